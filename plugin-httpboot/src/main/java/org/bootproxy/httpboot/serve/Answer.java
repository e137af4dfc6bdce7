package org.bootproxy.httpboot.serve;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.bootproxy.httpboot.http.ByteRange;
import org.bootproxy.spi.files.ServedFile;

/**
 * How to answer one GET or HEAD, independent of the HTTP stack that writes it. Closed:
 * {@link Refused}, {@link NotModified}, {@link Unsatisfiable}, {@link Content}.
 */
public sealed interface Answer {

    /** The status code. */
    int status();

    /** An error with a plain-text message (API.md wording). */
    record Refused(int status, String message) implements Answer {
    }

    /**
     * 304, with the validators and the 200's length (RFC 9110 section 8.6 allows only that
     * value; a container would otherwise add {@code 0}).
     */
    record NotModified(String etag, String lastModified, long size) implements Answer {
        @Override
        public int status() {
            return 304;
        }
    }

    /** 416 with {@code Content-Range: bytes *}{@code /size}. */
    record Unsatisfiable(String contentRange) implements Answer {
        @Override
        public int status() {
            return 416;
        }
    }

    /**
     * 200 or 206: {@code length} bytes of a file version from {@code offset}. The bytes come from
     * {@code body} (a small file's whole content, read earlier through the path policy) when it
     * is not null, else from {@code file}, which this answer then owns: close it when the body is
     * written (or not needed, for HEAD). {@code file} is null when {@code body} is not.
     *
     * @param path the normalized path below the root, for logs
     * @param range the range for a 206, {@code null} for a 200
     */
    record Content(String path, ServedFile file, ByteBuffer body, ByteRange range, long offset, long length,
            String contentType, String etag, String lastModified) implements Answer, AutoCloseable {
        @Override
        public int status() {
            return range == null ? 200 : 206;
        }

        @Override
        public void close() throws IOException {
            if (file != null) {
                file.close();
            }
        }
    }
}
