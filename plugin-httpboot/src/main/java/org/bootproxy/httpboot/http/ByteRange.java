package org.bootproxy.httpboot.http;

/**
 * A satisfiable byte range of a representation, both ends inclusive (RFC 9110 section 14.1.1).
 *
 * @param first offset of the first byte
 * @param last offset of the last byte, {@code >= first}
 * @param size the representation's complete length
 */
public record ByteRange(long first, long last, long size) {

    public ByteRange {
        if (first < 0 || last < first || last >= size) {
            throw new IllegalArgumentException("byte range " + first + "-" + last + " does not fit a size of " + size);
        }
    }

    /** Number of bytes in the range. */
    public long length() {
        return last - first + 1;
    }

    /** The {@code Content-Range} value, e.g. {@code bytes 0-99/1000}. */
    public String contentRange() {
        return "bytes " + first + "-" + last + "/" + size;
    }
}
