package io.carekpi.grafana;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of InfluxQL to check what a dashboard query reads: the statements are tokenized
 * (identifiers, strings, regex literals, Grafana variables) and taken apart into measurement,
 * referenced identifiers, aggregate calls, WHERE conditions and GROUP BY tags. Not a validator of
 * InfluxQL syntax: the integration test runs every query against a real InfluxDB for that.
 */
final class InfluxQl {
    enum Kind { IDENT, WORD, STRING, REGEX, NUMBER, VARIABLE, OP, LPAREN, RPAREN, COMMA }

    /** One token; {@code text} is unquoted/unescaped for identifiers and strings, raw for regexes. */
    record Token(Kind kind, String text) {
        boolean isWord(String w) {
            return kind == Kind.WORD && text.equalsIgnoreCase(w);
        }

        boolean isOp(String op) {
            return kind == Kind.OP && text.equals(op);
        }

        /** A name: a double-quoted identifier or a bare word. */
        boolean isName() {
            return kind == Kind.IDENT || kind == Kind.WORD;
        }
    }

    /** A condition {@code name op value} of the WHERE clause. */
    record Condition(String name, String op, Token value) {}

    /** A call {@code function(name)}. */
    record Call(String function, String argument) {}

    /** Words that are InfluxQL syntax, not names of tags or fields. */
    private static final Set<String> KEYWORDS = Set.of("select", "from", "where", "and", "or", "group", "by", "order",
            "asc", "desc", "limit", "slimit", "offset", "soffset", "fill", "as", "null", "none", "previous", "linear",
            "tz", "not", "true", "false", "show", "tag", "values", "with", "key", "in", "measurements", "field", "keys",
            "series", "time");

    private static final Pattern VARIABLE_IN_TEXT = Pattern.compile("\\$\\{?(\\w+)");

    private InfluxQl() {}

    static List<Token> tokenize(String q) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = q.length();
        while (i < n) {
            char c = q.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '"' || c == '\'') {
                StringBuilder b = new StringBuilder();
                int j = i + 1;
                while (j < n && q.charAt(j) != c) {
                    if (q.charAt(j) == '\\' && j + 1 < n) {
                        j++;
                    }
                    b.append(q.charAt(j++));
                }
                if (j >= n) {
                    throw new IllegalArgumentException("unterminated " + c + " at " + i + " in: " + q);
                }
                out.add(new Token(c == '"' ? Kind.IDENT : Kind.STRING, b.toString()));
                i = j + 1;
            } else if (c == '/' && !out.isEmpty() && (out.get(out.size() - 1).isOp("=~") || out.get(out.size() - 1).isOp("!~"))) {
                int j = i + 1;
                while (j < n && q.charAt(j) != '/') {
                    j += q.charAt(j) == '\\' ? 2 : 1;
                }
                if (j >= n) {
                    throw new IllegalArgumentException("unterminated regex at " + i + " in: " + q);
                }
                out.add(new Token(Kind.REGEX, q.substring(i + 1, j)));
                i = j + 1;
            } else if (c == '$') {
                int j = i + 1;
                boolean braced = j < n && q.charAt(j) == '{';
                if (braced) {
                    j++;
                }
                int start = j;
                while (j < n && (Character.isLetterOrDigit(q.charAt(j)) || q.charAt(j) == '_')) {
                    j++;
                }
                String name = q.substring(start, j);
                if (braced) {
                    int close = q.indexOf('}', j);
                    if (close < 0) {
                        throw new IllegalArgumentException("unterminated ${ at " + i + " in: " + q);
                    }
                    j = close + 1;
                }
                out.add(new Token(Kind.VARIABLE, name));
                i = j;
            } else if (Character.isDigit(c)) {
                int j = i;
                while (j < n && (Character.isDigit(q.charAt(j)) || q.charAt(j) == '.')) {
                    j++;
                }
                while (j < n && Character.isLetter(q.charAt(j))) { // duration suffix: 1m, 15s
                    j++;
                }
                out.add(new Token(Kind.NUMBER, q.substring(i, j)));
                i = j;
            } else if (Character.isLetter(c) || c == '_') {
                int j = i;
                while (j < n && (Character.isLetterOrDigit(q.charAt(j)) || q.charAt(j) == '_')) {
                    j++;
                }
                out.add(new Token(Kind.WORD, q.substring(i, j)));
                i = j;
            } else if (c == '(') {
                out.add(new Token(Kind.LPAREN, "("));
                i++;
            } else if (c == ')') {
                out.add(new Token(Kind.RPAREN, ")"));
                i++;
            } else if (c == ',') {
                out.add(new Token(Kind.COMMA, ","));
                i++;
            } else {
                String two = i + 1 < n ? q.substring(i, i + 2) : "";
                if (Set.of("=~", "!~", "!=", "<>", ">=", "<=").contains(two)) {
                    out.add(new Token(Kind.OP, two));
                    i += 2;
                } else if ("=<>+-*/%;".indexOf(c) >= 0) {
                    out.add(new Token(Kind.OP, String.valueOf(c)));
                    i++;
                } else {
                    throw new IllegalArgumentException("unexpected '" + c + "' at " + i + " in: " + q);
                }
            }
        }
        return out;
    }

    /** A statement taken apart. */
    static Statement parse(String query) {
        return new Statement(query, tokenize(query));
    }

    static final class Statement {
        final String text;
        final List<Token> tokens;
        /** SELECT or SHOW. */
        final String verb;
        final String measurement;
        /** The key of {@code SHOW TAG VALUES ... WITH KEY = "k"}, else null. */
        final String tagKey;
        final List<Token> select;
        final List<Token> where;
        final List<Token> groupBy;

        private Statement(String text, List<Token> tokens) {
            this.text = text;
            this.tokens = tokens;
            if (tokens.isEmpty() || tokens.get(0).kind() != Kind.WORD) {
                throw new IllegalArgumentException("not a statement: " + text);
            }
            this.verb = tokens.get(0).text().toUpperCase(Locale.ROOT);
            int from = indexOfWord("from", 0);
            this.measurement = from >= 0 && from + 1 < tokens.size() && tokens.get(from + 1).isName()
                    ? tokens.get(from + 1).text() : null;
            int key = indexOfWord("key", 0);
            this.tagKey = verb.equals("SHOW") && key >= 0 && key + 2 < tokens.size() && tokens.get(key + 1).isOp("=")
                    ? tokens.get(key + 2).text() : null;
            int whereAt = indexOfWord("where", 0);
            int groupAt = indexOfWord("group", 0);
            int end = firstOf(indexOfWord("order", 0), indexOfWord("limit", 0), indexOfWord("slimit", 0), tokens.size());
            this.select = verb.equals("SELECT") && from > 0 ? tokens.subList(1, from) : List.of();
            int whereEnd = firstOf(groupAt, end);
            this.where = whereAt >= 0 ? tokens.subList(whereAt + 1, Math.max(whereAt + 1, whereEnd)) : List.of();
            this.groupBy = groupAt >= 0 ? tokens.subList(groupAt + 2, Math.max(groupAt + 2, end)) : List.of();
        }

        private int indexOfWord(String w, int from) {
            for (int i = from; i < tokens.size(); i++) {
                if (tokens.get(i).isWord(w)) {
                    return i;
                }
            }
            return -1;
        }

        private static int firstOf(int... candidates) {
            int best = Integer.MAX_VALUE;
            for (int c : candidates) {
                if (c >= 0 && c < best) {
                    best = c;
                }
            }
            return best;
        }

        /**
         * Every tag or field name the statement reads: quoted identifiers and bare words that are
         * neither syntax nor function names, without the measurement and without aliases.
         */
        Set<String> referencedNames() {
            Set<String> out = new LinkedHashSet<>();
            for (int i = 0; i < tokens.size(); i++) {
                Token t = tokens.get(i);
                if (!t.isName()) {
                    continue;
                }
                boolean alias = i > 0 && tokens.get(i - 1).isWord("as");
                boolean measurementName = i > 0 && tokens.get(i - 1).isWord("from");
                boolean function = t.kind() == Kind.WORD && i + 1 < tokens.size() && tokens.get(i + 1).kind() == Kind.LPAREN;
                boolean keyword = t.kind() == Kind.WORD && KEYWORDS.contains(t.text().toLowerCase(Locale.ROOT));
                if (!alias && !measurementName && !function && !keyword) {
                    out.add(t.text());
                }
            }
            return out;
        }

        /** Every {@code function(name)} call. */
        List<Call> calls() {
            List<Call> out = new ArrayList<>();
            for (int i = 0; i + 3 < tokens.size(); i++) {
                if (tokens.get(i).kind() == Kind.WORD && tokens.get(i + 1).kind() == Kind.LPAREN
                        && tokens.get(i + 2).isName() && tokens.get(i + 3).kind() == Kind.RPAREN) {
                    out.add(new Call(tokens.get(i).text().toLowerCase(Locale.ROOT), tokens.get(i + 2).text()));
                }
            }
            return out;
        }

        /** The aggregate/selector calls of the SELECT clause. */
        List<Call> selectCalls() {
            return calls().stream().filter(c -> containsCall(select, c)).toList();
        }

        private static boolean containsCall(List<Token> part, Call c) {
            for (int i = 0; i + 2 < part.size(); i++) {
                if (part.get(i).kind() == Kind.WORD && part.get(i).text().equalsIgnoreCase(c.function())
                        && part.get(i + 1).kind() == Kind.LPAREN && part.get(i + 2).text().equals(c.argument())) {
                    return true;
                }
            }
            return false;
        }

        /** True when the SELECT clause divides. */
        boolean divides() {
            return select.stream().anyMatch(t -> t.isOp("/"));
        }

        /** {@code name op value} conditions of the WHERE clause. */
        List<Condition> conditions() {
            List<Condition> out = new ArrayList<>();
            for (int i = 0; i + 2 < where.size(); i++) {
                Token a = where.get(i);
                Token op = where.get(i + 1);
                Token v = where.get(i + 2);
                if (a.isName() && op.kind() == Kind.OP && v.kind() != Kind.LPAREN && v.kind() != Kind.RPAREN) {
                    out.add(new Condition(a.text(), op.text(), v));
                }
            }
            return out;
        }

        /** The names of {@code "f" > 0} conditions: the guards against an empty ratio. */
        Set<String> positiveGuards() {
            Set<String> out = new LinkedHashSet<>();
            for (Condition c : conditions()) {
                if (c.op().equals(">") && c.value().kind() == Kind.NUMBER && c.value().text().equals("0")) {
                    out.add(c.name());
                }
            }
            return out;
        }

        /** The tags of GROUP BY, without {@code time(...)} and {@code fill(...)}. */
        Set<String> groupByTags() {
            Set<String> out = new LinkedHashSet<>();
            int depth = 0;
            for (int i = 0; i < groupBy.size(); i++) {
                Token t = groupBy.get(i);
                if (t.kind() == Kind.LPAREN) {
                    depth++;
                } else if (t.kind() == Kind.RPAREN) {
                    depth--;
                } else if (depth == 0 && t.isName() && !(i + 1 < groupBy.size() && groupBy.get(i + 1).kind() == Kind.LPAREN)
                        && !(t.kind() == Kind.WORD && KEYWORDS.contains(t.text().toLowerCase(Locale.ROOT)))) {
                    out.add(t.text());
                }
            }
            return out;
        }

        /** True when the statement groups by {@code time(...)}. */
        boolean groupsByTime() {
            for (int i = 0; i + 1 < groupBy.size(); i++) {
                if (groupBy.get(i).isWord("time") && groupBy.get(i + 1).kind() == Kind.LPAREN) {
                    return true;
                }
            }
            return false;
        }

        /** The argument tokens of {@code GROUP BY time(...)}. */
        List<Token> timeBucket() {
            for (int i = 0; i + 1 < groupBy.size(); i++) {
                if (groupBy.get(i).isWord("time") && groupBy.get(i + 1).kind() == Kind.LPAREN) {
                    List<Token> out = new ArrayList<>();
                    for (int j = i + 2; j < groupBy.size() && groupBy.get(j).kind() != Kind.RPAREN; j++) {
                        out.add(groupBy.get(j));
                    }
                    return out;
                }
            }
            return List.of();
        }

        /** Grafana variables used anywhere: bare, inside a string or inside a regex. */
        Set<String> variables() {
            Set<String> out = new LinkedHashSet<>();
            for (Token t : tokens) {
                if (t.kind() == Kind.VARIABLE) {
                    out.add(t.text());
                } else if (t.kind() == Kind.STRING || t.kind() == Kind.REGEX) {
                    Matcher m = VARIABLE_IN_TEXT.matcher(t.text());
                    while (m.find()) {
                        out.add(m.group(1));
                    }
                }
            }
            return out;
        }

        /** Variables used inside a regex literal (these must be formatted as regex alternatives). */
        Set<String> variablesInRegex() {
            return variablesIn(Kind.REGEX);
        }

        /** Variables used inside a single-quoted string (these must be single values). */
        Set<String> variablesInStrings() {
            return variablesIn(Kind.STRING);
        }

        private Set<String> variablesIn(Kind kind) {
            Set<String> out = new LinkedHashSet<>();
            for (Token t : tokens) {
                if (t.kind() == kind) {
                    Matcher m = VARIABLE_IN_TEXT.matcher(t.text());
                    while (m.find()) {
                        out.add(m.group(1));
                    }
                }
            }
            return out;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
