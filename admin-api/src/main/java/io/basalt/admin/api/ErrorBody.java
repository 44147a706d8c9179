package io.basalt.admin.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The one shape of every error the API answers with.
 *
 * @param code    the HTTP status, repeated so a logged body stands alone
 * @param error   a stable machine-readable code such as {@code volume_not_found}: branch on this
 * @param message a human-readable explanation; wording may change
 * @param field   for validation errors, the offending field ("sizeBytes", "chap.secret"); else absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ErrorBody(int code, String error, String message, String field) {
    public ErrorBody(int code, String error, String message) {
        this(code, error, message, null);
    }
}
