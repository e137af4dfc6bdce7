package org.bootproxy.httpboot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real curl and returns the last response's status, headers and body. */
public final class Curl {

    /** One response as curl saw it. Header names are lower case. */
    public record Result(int exitCode, int status, Map<String, String> headers, byte[] body, String stderr) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private Curl() {
    }

    /** {@code curl -sS -D headers -o body --max-time 20 <args...>}. */
    public static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        Path headers = Files.createTempFile(workDir, "curl-headers", ".txt");
        Path body = Files.createTempFile(workDir, "curl-body", ".bin");
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "--max-time", "20", "-D", headers.toString(),
                "-o", body.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        p.getOutputStream().close();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("curl did not finish: " + cmd);
        }
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        int status = -1;
        Map<String, String> h = new LinkedHashMap<>();
        for (String line : Files.readAllLines(headers, StandardCharsets.ISO_8859_1)) {
            if (line.startsWith("HTTP/")) {
                status = Integer.parseInt(line.split(" ")[1]);
                h.clear(); // keep the last response's headers only
            } else if (line.contains(":")) {
                int c = line.indexOf(':');
                h.put(line.substring(0, c).trim().toLowerCase(Locale.ROOT), line.substring(c + 1).trim());
            }
        }
        byte[] b = Files.readAllBytes(body);
        Files.deleteIfExists(headers);
        Files.deleteIfExists(body);
        return new Result(p.exitValue(), status, h, b, err);
    }
}
