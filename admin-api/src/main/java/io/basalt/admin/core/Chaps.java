package io.basalt.admin.core;

import io.basalt.admin.api.ChapRequest;
import io.basalt.admin.api.ChapView;
import io.basalt.admin.errors.ApiException;

/** Between CHAP as the API takes and shows it and {@link ChapSecrets}. */
public final class Chaps {
    private Chaps() {
    }

    /** Null for null; 422 naming the field when mutual CHAP is half given. */
    public static ChapSecrets from(ChapRequest r, String field) {
        if (r == null) {
            return null;
        }
        if ((r.mutualUser() == null) != (r.mutualSecret() == null)) {
            throw ApiException.invalidField(field + (r.mutualUser() == null ? ".mutualUser" : ".mutualSecret"),
                    "is required for mutual CHAP (give both mutualUser and mutualSecret, or neither)");
        }
        return new ChapSecrets(r.user(), r.secret(), r.mutualUser(), r.mutualSecret());
    }

    /** Names and "is set" flags only. */
    public static ChapView view(ChapSecrets c) {
        return c == null ? null : new ChapView(c.user(), true, c.mutualUser(), c.hasMutual());
    }
}
