package org.bootproxy.httpboot.http;

import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;

/**
 * A strong entity tag (RFC 9110 section 8.8.3) for a file version: it changes when the file is
 * replaced (another inode), resized or touched.
 *
 * @param opaque the tag without quotes; visible ASCII, no {@code "}
 */
public record EntityTag(String opaque) {

    public EntityTag {
        for (int i = 0; i < opaque.length(); i++) {
            char c = opaque.charAt(i);
            if (c <= 0x20 || c == '"' || c >= 0x7f) {
                throw new IllegalArgumentException("character 0x" + Integer.toHexString(c) + " in entity tag " + opaque);
            }
        }
    }

    /**
     * The tag of a file version.
     *
     * @param fileKey device and inode, or {@code null} where the platform has none
     */
    public static EntityTag of(Object fileKey, long size, FileTime lastModified) {
        long key = fileKey == null ? 0 : fnv1a(fileKey.toString());
        return new EntityTag(Long.toHexString(key) + "-" + Long.toHexString(size) + "-"
                + Long.toHexString(lastModified.to(TimeUnit.MICROSECONDS)));
    }

    /** The header form, with quotes. */
    @Override
    public String toString() {
        return '"' + opaque + '"';
    }

    /**
     * Whether an {@code If-None-Match} value matches: {@code *} or any listed tag by weak
     * comparison (section 13.1.2), i.e. {@code W/"x"} matches {@code "x"}.
     */
    public boolean matchesIfNoneMatch(String header) {
        return matches(header, true);
    }

    /** Whether an {@code If-Range} entity tag matches: strong comparison only (section 13.1.5). */
    public boolean matchesIfRange(String header) {
        String h = header.trim();
        return !h.startsWith("W/") && h.equals(toString());
    }

    private boolean matches(String header, boolean weak) {
        String h = header.trim();
        if (h.equals("*")) {
            return true;
        }
        int i = 0;
        while (i < h.length()) {
            char c = h.charAt(i);
            if (c == ',' || c == ' ' || c == '\t') {
                i++;
                continue;
            }
            boolean isWeak = false;
            if (h.startsWith("W/", i)) {
                isWeak = true;
                i += 2;
            }
            if (i >= h.length() || h.charAt(i) != '"') {
                return false; // malformed list: no match
            }
            int end = h.indexOf('"', i + 1);
            if (end < 0) {
                return false;
            }
            String tag = h.substring(i + 1, end);
            if (tag.equals(opaque) && (weak || !isWeak)) {
                return true;
            }
            i = end + 1;
        }
        return false;
    }

    private static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return h;
    }
}
