package dev.jreg.error;

import java.util.Arrays;
import java.util.Locale;

/** Error codes of the OCI Distribution spec, plus {@link #UNKNOWN} for anything else. */
public enum ErrorCode {
    BLOB_UNKNOWN,
    BLOB_UPLOAD_INVALID,
    BLOB_UPLOAD_UNKNOWN,
    DIGEST_INVALID,
    MANIFEST_BLOB_UNKNOWN,
    MANIFEST_INVALID,
    MANIFEST_UNKNOWN,
    MANIFEST_UNVERIFIED,
    NAME_INVALID,
    NAME_UNKNOWN,
    SIZE_INVALID,
    TAG_INVALID,
    UNAUTHORIZED,
    DENIED,
    UNSUPPORTED,
    TOOMANYREQUESTS,
    UNKNOWN;

    /** Maps a code string from a registry; never throws. */
    public static ErrorCode of(String code) {
        String name = code == null ? "" : code.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(known -> known.name().equals(name)).findFirst().orElse(UNKNOWN);
    }
}
