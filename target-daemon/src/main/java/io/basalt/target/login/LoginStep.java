package io.basalt.target.login;

import io.basalt.target.pdu.LoginResponse;

/**
 * The negotiator's answer to one Login Request: what to put in the Login Response, and, once
 * the login is complete, the negotiated parameters.
 *
 * @param status non-success means: send the response, then close the connection
 * @param transit the T bit; with {@code nextStage} FULL_FEATURE this is the final response
 * @param currentStage CSG of the response
 * @param nextStage NSG of the response (meaningful with T)
 * @param keys the response text
 * @param parameters the outcome, non-null only when {@link #complete()}
 * @param reason for a failure, which rule was broken (for the log; never contains secrets)
 */
public record LoginStep(LoginStatus status, boolean transit, LoginStage currentStage, LoginStage nextStage,
        TextParameters keys, OperationalParameters parameters, String reason) {

    static LoginStep failure(LoginStatus status, LoginStage stage, String reason) {
        return new LoginStep(status, false, stage, stage, TextParameters.empty(), null, reason);
    }

    /** The Full Feature Phase starts after this response is sent. */
    public boolean complete() {
        return parameters != null;
    }

    public boolean failed() {
        return !status.isSuccess();
    }

    /**
     * A Login Response builder filled from this step and its request (stages, T bit, version 0,
     * ISID, ITT, status, text). The session layer adds the TSIH and the sequence numbers.
     */
    public LoginResponse.Builder responseTo(LoginRequest request) {
        return LoginResponse.builder()
                .transit(transit)
                .currentStage(currentStage.code())
                .nextStage(transit ? nextStage.code() : 0)
                .versions(0, 0)
                .isid(request.isid())
                .itt(request.itt())
                .status(status.code())
                .text(keys.encode());
    }
}
