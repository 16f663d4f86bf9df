package org.safemap.map;

/**
 * A small XML writer: elements, attributes and escaped text, enough for capabilities and exception reports.
 * Elements that hold elements are indented, one per line, so a person reading a capabilities document with curl
 * can; elements that hold text keep it inline, untouched.
 */
final class Xml {
    private final StringBuilder out = new StringBuilder(8192);
    private final java.util.ArrayDeque<String> open = new java.util.ArrayDeque<>();
    /** For each open element: whether it has child elements (its end tag then goes on a line of its own). */
    private final java.util.ArrayDeque<boolean[]> nested = new java.util.ArrayDeque<>();

    private boolean inStartTag;

    Xml declaration() {
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        return this;
    }

    Xml raw(String text) {
        closeStartTag();
        out.append(text);
        return this;
    }

    Xml start(String name) {
        closeStartTag();
        if (!nested.isEmpty()) {
            nested.peek()[0] = true;
            newline(open.size());
        }
        out.append('<').append(name);
        open.push(name);
        nested.push(new boolean[1]);
        inStartTag = true;
        return this;
    }

    Xml attr(String name, Object value) {
        if (value != null) {
            out.append(' ')
                    .append(name)
                    .append("=\"")
                    .append(escape(value.toString()))
                    .append('"');
        }
        return this;
    }

    Xml text(Object value) {
        closeStartTag();
        out.append(escape(value.toString()));
        return this;
    }

    /** An element holding only text; skipped when the value is null. */
    Xml element(String name, Object value) {
        if (value != null) {
            start(name).text(value).end();
        }
        return this;
    }

    Xml end() {
        String name = open.pop();
        boolean hadChildren = nested.pop()[0];
        if (inStartTag) {
            out.append("/>");
            inStartTag = false;
        } else {
            if (hadChildren) {
                newline(open.size());
            }
            out.append("</").append(name).append('>');
        }
        return this;
    }

    private void newline(int depth) {
        out.append('\n');
        for (int k = 0; k < depth; k++) {
            out.append("  ");
        }
    }

    @Override
    public String toString() {
        while (!open.isEmpty()) {
            end();
        }
        return out.append('\n').toString();
    }

    private void closeStartTag() {
        if (inStartTag) {
            out.append('>');
            inStartTag = false;
        }
    }

    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&apos;");
                default -> {
                    // Characters XML 1.0 cannot carry at all are dropped rather than producing an unreadable document.
                    if (c >= 0x20 || c == '\n' || c == '\r' || c == '\t') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
