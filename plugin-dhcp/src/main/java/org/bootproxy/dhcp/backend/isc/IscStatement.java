package org.bootproxy.dhcp.backend.isc;

import java.util.ArrayList;
import java.util.List;
import org.bootproxy.dhcp.backend.isc.IscLexer.Token;

/**
 * One statement of dhcpd's grammar: its words up to {@code ;} or {@code {}, and for a block its
 * inner statements. The generic shape of both dhcpd.conf and dhcpd.leases.
 *
 * @param words the tokens before {@code ;} / {@code {} (never empty)
 * @param body the inner statements of a block, or null for a simple statement
 */
record IscStatement(List<Token> words, List<IscStatement> body) {

    int line() {
        return words.get(0).line();
    }

    /** The first word, lower case. */
    String keyword() {
        return words.get(0).text().toLowerCase(java.util.Locale.ROOT);
    }

    String word(int i) {
        return i < words.size() ? words.get(i).text() : null;
    }

    boolean isBlock() {
        return body != null;
    }

    /** The words after the first {@code skip}, commas dropped (for address lists). */
    List<String> values(int skip) {
        List<String> out = new ArrayList<>();
        for (int i = skip; i < words.size(); i++) {
            Token t = words.get(i);
            if (!t.is(",")) {
                out.add(t.text());
            }
        }
        return out;
    }

    /**
     * Reads one statement from {@code lexer} whose first token is {@code first}.
     *
     * @throws IscSyntaxException when braces do not balance or the input ends inside it
     */
    static IscStatement read(IscLexer lexer, Token first) throws IscSyntaxException {
        List<Token> words = new ArrayList<>();
        Token t = first;
        while (true) {
            if (t == null) {
                throw new IscSyntaxException(first.line(), "statement '" + first.text() + "' has no ';' or '{'");
            }
            if (t.is(";")) {
                if (words.isEmpty()) {
                    return null; // a stray ';'
                }
                return new IscStatement(words, null);
            }
            if (t.is("}")) {
                throw new IscSyntaxException(t.line(), "unexpected '}'");
            }
            if (t.is("{")) {
                if (words.isEmpty()) {
                    throw new IscSyntaxException(t.line(), "block without a keyword");
                }
                List<IscStatement> body = new ArrayList<>();
                while (true) {
                    Token n = lexer.next();
                    if (n == null) {
                        throw new IscSyntaxException(first.line(), "block '" + first.text() + "' is not closed");
                    }
                    if (n.is("}")) {
                        // dhcpd accepts an optional ';' after a block; the next read skips it
                        return new IscStatement(words, body);
                    }
                    IscStatement s = read(lexer, n);
                    if (s != null) {
                        body.add(s);
                    }
                }
            }
            words.add(t);
            t = lexer.next();
        }
    }
}
