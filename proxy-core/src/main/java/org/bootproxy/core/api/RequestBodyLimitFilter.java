package org.bootproxy.core.api;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * {@code max_request_body}: the REST API never reads more than that many bytes of a request body.
 * A declared {@code Content-Length} above it is answered 413 before anything is read; a body without
 * one (chunked) fails with {@link TooLargeException} on the first byte past the limit, which
 * {@link ErrorMappers} turns into the same 413. Thread-safe, stateless per request.
 */
public final class RequestBodyLimitFilter implements Filter {

    private final long limit;

    public RequestBodyLimitFilter(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("max_request_body must not be negative: " + limit);
        }
        this.limit = limit;
    }

    /** The message of every 413, naming the setting and its value. */
    public String message() {
        return "Request body larger than max_request_body (" + limit + " bytes)";
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) req;
        if (http.getContentLengthLong() > limit) {
            HttpServletResponse out = (HttpServletResponse) resp;
            out.setStatus(413);
            String accept = http.getHeader("Accept");
            boolean json = accept != null && accept.contains("application/json");
            out.setContentType(json ? "application/json" : "text/plain;charset=UTF-8");
            out.setHeader("Connection", "close");
            out.getOutputStream().write(message().getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(new HttpServletRequestWrapper(http) {
            private ServletInputStream limited;

            @Override
            public ServletInputStream getInputStream() throws IOException {
                if (limited == null) {
                    limited = new Limited(super.getInputStream());
                }
                return limited;
            }
        }, resp);
    }

    /** A body read past the limit: the request is refused with 413. */
    public static final class TooLargeException extends IOException {
        private static final long serialVersionUID = 1L;

        TooLargeException(String message) {
            super(message);
        }
    }

    private final class Limited extends ServletInputStream {
        private final ServletInputStream in;
        private long read;

        Limited(ServletInputStream in) {
            this.in = in;
        }

        private int count(int n) throws TooLargeException {
            if (n > 0) {
                read += n;
                if (read > limit) {
                    throw new TooLargeException(message());
                }
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return count(in.read(b, off, len));
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
