package org.bootproxy.dhcp.backend.isc;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits dhcpd.conf / dhcpd.leases text into tokens as dhcpd's own lexer does: words (anything
 * up to white space or one of {@code ; { } , " #}), double-quoted strings with backslash escapes,
 * the punctuation {@code ; { } ,} as tokens of their own, and {@code #} comments to the end of
 * the line (outside strings). Every token carries its line number for error messages.
 */
final class IscLexer {

    /** One token. {@code quoted} tells a string literal from a bare word of the same text. */
    record Token(String text, boolean quoted, int line) {
        boolean is(String s) {
            return !quoted && text.equals(s);
        }

        boolean isWord(String s) {
            return !quoted && text.equalsIgnoreCase(s);
        }

        @Override
        public String toString() {
            return quoted ? '"' + text + '"' : text;
        }
    }

    private final CharSequence in;
    private final int end;
    private int pos;
    private int line;

    IscLexer(CharSequence in, int start, int end, int firstLine) {
        this.in = in;
        this.pos = start;
        this.end = end;
        this.line = firstLine;
    }

    IscLexer(CharSequence in) {
        this(in, 0, in.length(), 1);
    }

    int position() {
        return pos;
    }

    int line() {
        return line;
    }

    /** The next token, or null at the end of the input. */
    Token next() throws IscSyntaxException {
        while (pos < end) {
            char c = in.charAt(pos);
            if (c == '\n') {
                line++;
                pos++;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
                pos++;
            } else if (c == '#') {
                while (pos < end && in.charAt(pos) != '\n') {
                    pos++;
                }
            } else {
                break;
            }
        }
        if (pos >= end) {
            return null;
        }
        char c = in.charAt(pos);
        int startLine = line;
        if (c == ';' || c == '{' || c == '}' || c == ',') {
            pos++;
            return new Token(String.valueOf(c), false, startLine);
        }
        if (c == '"') {
            pos++;
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= end) {
                    throw new IscSyntaxException(startLine, "unterminated string");
                }
                char d = in.charAt(pos++);
                if (d == '"') {
                    return new Token(sb.toString(), true, startLine);
                }
                if (d == '\n') {
                    line++;
                }
                if (d == '\\' && pos < end) {
                    char e = in.charAt(pos++);
                    switch (e) {
                        case 'n' -> sb.append('\n');
                        case 't' -> sb.append('\t');
                        case 'r' -> sb.append('\r');
                        default -> {
                            if (e >= '0' && e <= '7') {
                                // octal escape, as dhcpd writes non-printable bytes (\ooo)
                                int v = e - '0';
                                for (int k = 0; k < 2 && pos < end && in.charAt(pos) >= '0' && in.charAt(pos) <= '7'; k++) {
                                    v = v * 8 + (in.charAt(pos++) - '0');
                                }
                                sb.append((char) (v & 0xff));
                            } else {
                                sb.append(e);
                            }
                        }
                    }
                } else {
                    sb.append(d);
                }
            }
        }
        int s = pos;
        while (pos < end) {
            char d = in.charAt(pos);
            if (d == ' ' || d == '\t' || d == '\n' || d == '\r' || d == '\f' || d == ';' || d == '{' || d == '}'
                    || d == ',' || d == '"' || d == '#') {
                break;
            }
            pos++;
        }
        return new Token(in.subSequence(s, pos).toString(), false, startLine);
    }

    /** Every token of the input. */
    static List<Token> all(CharSequence text) throws IscSyntaxException {
        IscLexer l = new IscLexer(text);
        List<Token> out = new ArrayList<>();
        for (Token t = l.next(); t != null; t = l.next()) {
            out.add(t);
        }
        return out;
    }
}
