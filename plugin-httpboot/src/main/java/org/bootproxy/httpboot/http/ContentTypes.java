package org.bootproxy.httpboot.http;

import java.util.Locale;
import java.util.Map;

/**
 * Content-Type by file extension, for the files a boot server holds. Anything not listed, EFI
 * binaries included, is {@code application/octet-stream}: firmware and boot loaders ignore the
 * type, and a wrong text type would invite a proxy or browser to transform the bytes.
 */
public final class ContentTypes {

    public static final String OCTET_STREAM = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("efi", OCTET_STREAM),
            Map.entry("cfg", "text/plain"),
            Map.entry("conf", "text/plain"),
            Map.entry("lst", "text/plain"),
            Map.entry("ipxe", "text/plain"),
            Map.entry("txt", "text/plain"),
            Map.entry("sh", "text/plain"),
            Map.entry("ks", "text/plain"),
            Map.entry("preseed", "text/plain"),
            Map.entry("yaml", "text/plain"),
            Map.entry("yml", "text/plain"),
            Map.entry("html", "text/html"),
            Map.entry("htm", "text/html"),
            Map.entry("css", "text/css"),
            Map.entry("js", "text/javascript"),
            Map.entry("json", "application/json"),
            Map.entry("xml", "application/xml"),
            Map.entry("iso", "application/x-iso9660-image"),
            Map.entry("gz", "application/gzip"),
            Map.entry("tgz", "application/gzip"),
            Map.entry("xz", "application/x-xz"),
            Map.entry("bz2", "application/x-bzip2"),
            Map.entry("zst", "application/zstd"),
            Map.entry("tar", "application/x-tar"),
            Map.entry("zip", "application/zip"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("svg", "image/svg+xml"));

    private ContentTypes() {
    }

    /** The type for a file name (the last path segment or a whole path). */
    public static String forName(String name) {
        int slash = name.lastIndexOf('/');
        int dot = name.lastIndexOf('.');
        if (dot <= slash + 1 || dot == name.length() - 1) {
            return OCTET_STREAM; // no extension, or a dot file such as ".hidden"
        }
        return BY_EXTENSION.getOrDefault(name.substring(dot + 1).toLowerCase(Locale.ROOT), OCTET_STREAM);
    }
}
