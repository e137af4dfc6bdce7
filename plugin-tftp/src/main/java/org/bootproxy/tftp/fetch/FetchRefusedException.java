package org.bootproxy.tftp.fetch;

/**
 * A fetch_boot_file request that cannot be accepted: missing parameter, bad URL, unsupported scheme,
 * destination outside the TFTP root ({@code 400}), or too many downloads already queued
 * ({@code 503}). The message names the bad value.
 */
public final class FetchRefusedException extends Exception {

    private final int status;

    public FetchRefusedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public static FetchRefusedException badRequest(String message) {
        return new FetchRefusedException(400, message);
    }

    /** The HTTP status the API answers with. */
    public int status() {
        return status;
    }
}
