package org.bootproxy.core.logging;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.slf4j.MDC;

/**
 * Gives every request an id for its log lines: Foreman's {@code X-Request-Id} when it sends a
 * sane one, else a new UUID; also {@code X-Session-Id}. The id is in the MDC as
 * {@value #MDC_KEY} (use {@code %X{request_id}} in the log format), in the {@code /logs} records,
 * and echoed in the response's {@code X-Request-Id}.
 */
public final class RequestIdFilter implements Filter {

    public static final String MDC_KEY = "request_id";
    /** Request attribute with the peer's address, for JAX-RS filters that cannot see the servlet request. */
    public static final String REMOTE_ADDR_ATTRIBUTE = "org.bootproxy.remoteAddr";
    /** Request attribute with the local address the connection arrived on. */
    public static final String LOCAL_ADDR_ATTRIBUTE = "org.bootproxy.localAddr";
    public static final String MDC_SESSION_KEY = "session_id";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    @Override
    public void doFilter(ServletRequest req, ServletResponse resp, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest http = (HttpServletRequest) req;
        req.setAttribute(REMOTE_ADDR_ATTRIBUTE, req.getRemoteAddr());
        req.setAttribute(LOCAL_ADDR_ATTRIBUTE, req.getLocalAddr());
        String id = http.getHeader("X-Request-Id");
        if (id == null || !SANE.matcher(id).matches()) {
            // not UUID.randomUUID(): its SecureRandom is one lock every request would queue on
            ThreadLocalRandom r = ThreadLocalRandom.current();
            id = new UUID(r.nextLong(), r.nextLong()).toString();
        }
        String session = http.getHeader("X-Session-Id");
        MDC.put(MDC_KEY, id);
        if (session != null && SANE.matcher(session).matches()) {
            MDC.put(MDC_SESSION_KEY, session);
        }
        ((HttpServletResponse) resp).setHeader("X-Request-Id", id);
        try {
            chain.doFilter(req, resp);
        } finally {
            MDC.remove(MDC_KEY);
            MDC.remove(MDC_SESSION_KEY);
        }
    }
}
