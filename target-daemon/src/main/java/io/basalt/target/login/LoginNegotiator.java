package io.basalt.target.login;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The target side of one connection's Login Phase (RFC 7143 §6): stage transitions, the security
 * stage (AuthMethod None or CHAP) and operational negotiation. Pure logic: the session layer
 * decodes each Login Request, calls {@link #handle}, sends the Login Response the returned
 * {@link LoginStep} describes, and closes the connection if the step failed. After a
 * {@link LoginStep#complete() complete} step the session switches the codec to the negotiated
 * digests and data segment limit.
 *
 * <p>Policy: credentials from {@link TargetLookup} mean CHAP is required; none means
 * AuthMethod=None. The target never starts a negotiation of its own, it only answers and
 * declares (TargetPortalGroupTag, MaxRecvDataSegmentLength, TargetAlias), so it can always
 * follow the initiator's T bit once authentication is done.
 *
 * <p>Not thread-safe: one instance per connection, used from its event loop.
 */
public final class LoginNegotiator {
    /** Bound on Login Requests per login, so a peer cannot keep the exchange going forever. */
    static final int MAX_REQUESTS = 64;
    /** Bound on one text spread over C-bit continuations. */
    static final int MAX_TEXT = 64 * 1024;
    /** RFC 7143 §4.2.7.1: iSCSI names are at most 223 bytes. */
    static final int MAX_NAME_BYTES = 223;

    private static final Set<String> IDENTITY_KEYS = Set.of("InitiatorName", "InitiatorAlias", "TargetName", "SessionType");
    private static final Set<String> CHAP_KEYS = Set.of("CHAP_A", "CHAP_I", "CHAP_C", "CHAP_N", "CHAP_R");
    /** Keys only a target declares, or that belong to Text Requests: irrelevant from an initiator. */
    private static final Set<String> NOT_FROM_INITIATOR = Set.of("TargetAlias", "TargetAddress",
            "TargetPortalGroupTag", "SendTargets");

    private final TargetLookup lookup;
    private final LoginSettings settings;
    private final SecureRandom random;
    private final TextAccumulator text = new TextAccumulator(MAX_TEXT);
    private final Map<String, String> offered = new HashMap<>();
    private final OperationalParameters.Builder result = new OperationalParameters.Builder();

    private LoginStage stage;
    private int requests;
    private boolean finished;
    private ChapCredentials credentials;
    private ChapAuthenticator chap;
    private boolean authenticated;
    private boolean sentPortalGroup;
    private boolean declaredLimits;

    public LoginNegotiator(TargetLookup lookup, LoginSettings settings, SecureRandom random) {
        this.lookup = lookup;
        this.settings = settings;
        this.random = random;
    }

    public LoginNegotiator(TargetLookup lookup, LoginSettings settings) {
        this(lookup, settings, new SecureRandom());
    }

    /**
     * Answers one Login Request.
     *
     * @throws IllegalStateException if the login already failed or completed
     */
    public LoginStep handle(LoginRequest request) {
        if (finished) {
            throw new IllegalStateException("login already ended");
        }
        LoginStep step;
        try {
            step = negotiate(request);
        } catch (Refusal r) {
            LoginStage csg = LoginStage.fromCode(request.currentStage());
            step = LoginStep.failure(r.status, csg == null ? LoginStage.SECURITY : csg, r.getMessage());
        }
        finished = step.failed() || step.complete();
        return step;
    }

    private LoginStep negotiate(LoginRequest req) throws Refusal {
        if (++requests > MAX_REQUESTS) {
            throw new Refusal(LoginStatus.INITIATOR_ERROR, "more than " + MAX_REQUESTS + " Login Requests");
        }
        LoginStage csg = checkFrame(req);
        TextAccumulator.Status assembled = text.append(req.text(), req.continues());
        if (assembled == TextAccumulator.Status.TOO_LONG) {
            throw new Refusal(LoginStatus.INITIATOR_ERROR, "login text over " + MAX_TEXT + " bytes");
        }
        if (assembled == TextAccumulator.Status.INCOMPLETE) {
            // RFC 7143 §6.3: a C-bit request is answered with an empty response and no transit.
            return new LoginStep(LoginStatus.SUCCESS, false, csg, csg, TextParameters.empty(), null, null);
        }
        TextParameters keys = decode(text.take());
        checkRepeats(keys);
        if (stage == null) {
            begin(req, csg, keys);
        }
        TextParameters.Builder answer = TextParameters.builder();
        for (TextParameters.KeyValue kv : keys.entries()) {
            answerKey(kv, csg, answer);
        }
        runChap(keys, answer);
        return respond(req, csg, answer);
    }

    /** Header rules of RFC 7143 §11.12: stage codes, T/C bits, version, fixed identifiers. */
    private LoginStage checkFrame(LoginRequest req) throws Refusal {
        LoginStage csg = LoginStage.fromCode(req.currentStage());
        if (csg == null || csg == LoginStage.FULL_FEATURE) {
            throw new Refusal(LoginStatus.INITIATOR_ERROR, "CSG " + req.currentStage() + " is not a login stage");
        }
        if (stage != null && csg != stage) {
            throw new Refusal(LoginStatus.INITIATOR_ERROR, "CSG " + csg + " while the login is in " + stage);
        }
        if (req.transit() && req.continues()) {
            throw new Refusal(LoginStatus.INITIATOR_ERROR, "T and C both set (RFC 7143 §11.12.2)");
        }
        LoginStage nsg = LoginStage.fromCode(req.nextStage());
        if (req.transit() && (nsg == null || nsg.code() <= csg.code())) {
            throw new Refusal(LoginStatus.INITIATOR_ERROR, "cannot transit from " + csg + " to NSG " + req.nextStage());
        }
        if (req.versionMin() > 0) {
            throw new Refusal(LoginStatus.UNSUPPORTED_VERSION, "Version-min " + req.versionMin() + ", we speak 0");
        }
        if (stage != null && (req.isid() != result.isid || req.tsih() != result.tsih || req.cid() != result.cid)) {
            throw new Refusal(LoginStatus.INITIATOR_ERROR, "ISID, TSIH or CID changed during login");
        }
        return csg;
    }

    private static TextParameters decode(byte[] text) throws Refusal {
        try {
            return TextParameters.decode(text);
        } catch (TextFormatException e) {
            throw new Refusal(LoginStatus.INITIATOR_ERROR, "login text: " + e.getMessage());
        }
    }

    /**
     * RFC 7143 §6.2: a key may not be negotiated twice. Repeating a key with the same value in a
     * later request is let through, because libiscsi sends InitiatorName, TargetName and
     * SessionType again in its operational stage after CHAP; CHAP keys are left to the
     * authenticator, which accepts each once.
     */
    private void checkRepeats(TextParameters keys) throws Refusal {
        Set<String> inThisRequest = new HashSet<>();
        for (TextParameters.KeyValue kv : keys.entries()) {
            if (!inThisRequest.add(kv.key())) {
                throw new Refusal(LoginStatus.INITIATOR_ERROR, kv.key() + " appears twice in one request");
            }
            if (CHAP_KEYS.contains(kv.key())) {
                continue;
            }
            String before = offered.putIfAbsent(kv.key(), kv.value());
            if (before != null && !before.equals(kv.value())) {
                throw new Refusal(LoginStatus.INITIATOR_ERROR, kv.key() + " renegotiated from \"" + before
                        + "\" to \"" + kv.value() + "\"");
            }
        }
    }

    /** The first complete request: who is logging in to what, and how they must authenticate. */
    private void begin(LoginRequest req, LoginStage csg, TextParameters keys) throws Refusal {
        stage = csg;
        result.isid = req.isid();
        result.tsih = req.tsih();
        result.cid = req.cid();
        result.sessionType = sessionType(keys);
        result.initiatorName = name(keys, "InitiatorName");
        result.initiatorAlias = keys.get("InitiatorAlias").orElse("");
        credentials = result.sessionType == SessionType.NORMAL
                ? admit(keys)
                : lookup.discoveryChap(result.initiatorName).orElse(null);
        if (credentials != null && csg != LoginStage.SECURITY) {
            throw new Refusal(LoginStatus.AUTHENTICATION_FAILURE, result.initiatorName
                    + " must authenticate with CHAP but skipped the security stage");
        }
        authenticated = credentials == null;
    }

    private static SessionType sessionType(TextParameters keys) throws Refusal {
        String value = keys.get("SessionType").orElse(SessionType.NORMAL.value());
        SessionType type = SessionType.fromValue(value);
        if (type == null) {
            throw new Refusal(LoginStatus.SESSION_TYPE_NOT_SUPPORTED, "SessionType=" + value);
        }
        return type;
    }

    /** RFC 7143 §13.4, §13.5: both names are required in the first request of a Normal session. */
    private static String name(TextParameters keys, String key) throws Refusal {
        String name = keys.get(key).orElse("");
        if (name.isEmpty()) {
            throw new Refusal(LoginStatus.MISSING_PARAMETER, "first Login Request has no " + key);
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new Refusal(LoginStatus.INITIATOR_ERROR, key + " longer than " + MAX_NAME_BYTES + " bytes");
        }
        return name;
    }

    /** Target, then ACL: an initiator the ACL refuses is never challenged. */
    private ChapCredentials admit(TextParameters keys) throws Refusal {
        String target = name(keys, "TargetName");
        if (!lookup.targetExists(target)) {
            throw new Refusal(LoginStatus.NOT_FOUND, "no target " + target);
        }
        if (!lookup.initiatorAllowed(target, result.initiatorName)) {
            throw new Refusal(LoginStatus.AUTHORIZATION_FAILURE, result.initiatorName + " is not in the ACL of " + target);
        }
        result.targetName = target;
        return lookup.chapCredentials(target, result.initiatorName).orElse(null);
    }

    private void answerKey(TextParameters.KeyValue kv, LoginStage csg, TextParameters.Builder answer) throws Refusal {
        String key = kv.key();
        if (IDENTITY_KEYS.contains(key)) {
            if (key.equals("InitiatorAlias") && result.initiatorAlias.isEmpty()) {
                result.initiatorAlias = kv.value();
            }
        } else if (key.equals("AuthMethod") || CHAP_KEYS.contains(key)) {
            if (csg != LoginStage.SECURITY) {
                throw new Refusal(LoginStatus.INITIATOR_ERROR, key + " outside the security stage");
            }
            if (key.equals("AuthMethod")) {
                answer.add(key, authMethod(kv.value()));
            }
        } else if (OperationalKeys.handles(key)) {
            String value = OperationalKeys.answer(key, kv.value(), result.sessionType, settings, result);
            if (value != null) {
                answer.add(key, value);
            }
        } else {
            // RFC 7143 §6.2: unknown keys, including X- and X# extensions, are NotUnderstood.
            answer.add(key, NOT_FROM_INITIATOR.contains(key) ? OperationalKeys.IRRELEVANT : "NotUnderstood");
        }
    }

    /** List negotiation (RFC 7143 §12.1): the method our policy allows, if offered at all. */
    private String authMethod(String offer) throws Refusal {
        boolean offers = OperationalKeys.list(offer).contains(credentials != null ? "CHAP" : "None");
        if (!offers) {
            throw new Refusal(LoginStatus.AUTHENTICATION_FAILURE, "AuthMethod=" + offer + " but "
                    + (credentials != null ? "CHAP is required" : "no CHAP credentials are configured"));
        }
        if (credentials == null) {
            return "None";
        }
        if (chap == null) {
            chap = new ChapAuthenticator(credentials, random);
        }
        return "CHAP";
    }

    /** The CHAP keys of one request go to the authenticator together (RFC 7143 §12.1.3). */
    private void runChap(TextParameters keys, TextParameters.Builder answer) throws Refusal {
        if (keys.entries().stream().noneMatch(kv -> CHAP_KEYS.contains(kv.key()))) {
            return;
        }
        if (chap == null) {
            throw new Refusal(LoginStatus.INITIATOR_ERROR, "CHAP keys without AuthMethod=CHAP agreed");
        }
        ChapAuthenticator.Step step = chap.step(keys);
        if (step.failed()) {
            throw new Refusal(LoginStatus.AUTHENTICATION_FAILURE, step.failure());
        }
        step.answer().forEach(kv -> answer.add(kv.key(), kv.value()));
        authenticated = chap.done();
    }

    private LoginStep respond(LoginRequest req, LoginStage csg, TextParameters.Builder answer) throws Refusal {
        boolean transit = req.transit() && mayLeave(csg);
        LoginStage nsg = transit ? LoginStage.fromCode(req.nextStage()) : csg;
        declare(csg, nsg, answer);
        stage = nsg;
        OperationalParameters done = nsg == LoginStage.FULL_FEATURE ? result.build() : null;
        return new LoginStep(LoginStatus.SUCCESS, transit, csg, nsg, answer.build(), done, null);
    }

    /**
     * Leaving the security stage needs authentication done; while CHAP is under way we answer
     * T=0 and the initiator continues (RFC 7143 §6.3). An initiator that wants to leave without
     * even offering the CHAP we require is refused.
     */
    private boolean mayLeave(LoginStage csg) throws Refusal {
        if (csg != LoginStage.SECURITY || authenticated) {
            return true;
        }
        if (chap == null) {
            throw new Refusal(LoginStatus.AUTHENTICATION_FAILURE, result.initiatorName
                    + " must authenticate with CHAP but did not offer AuthMethod=CHAP");
        }
        return false;
    }

    /**
     * What the target declares: TargetPortalGroupTag in the first response of a Normal session
     * (RFC 7143 §13.9), and MaxRecvDataSegmentLength and TargetAlias once operational
     * negotiation is under way or about to be skipped (§13.12, §13.7).
     */
    private void declare(LoginStage csg, LoginStage nsg, TextParameters.Builder answer) {
        boolean normal = result.sessionType == SessionType.NORMAL;
        if (!sentPortalGroup && normal) {
            answer.add("TargetPortalGroupTag", Integer.toString(settings.portalGroupTag()));
        }
        sentPortalGroup = true;
        if (declaredLimits || (csg != LoginStage.OPERATIONAL && nsg != LoginStage.FULL_FEATURE)) {
            return;
        }
        declaredLimits = true;
        result.targetMaxRecvDataSegmentLength = settings.maxRecvDataSegmentLength();
        answer.add("MaxRecvDataSegmentLength", Integer.toString(settings.maxRecvDataSegmentLength()));
        if (normal) {
            lookup.targetAlias(result.targetName).ifPresent(alias -> answer.add("TargetAlias", alias));
        }
    }

    /** A rule the initiator broke; becomes a failed {@link LoginStep}. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final transient LoginStatus status;

        Refusal(LoginStatus status, String reason) {
            super(reason, null, false, false);
            this.status = status;
        }
    }
}
