package org.safemap.geocode;

/**
 * Finds a gazetteer name inside free text word by word, forgiving the typing slips of busy staff: each word of
 * the name must appear, in order and side by side, among the text's words, equal or within a few edits
 * (Damerau-Levenshtein: a swapped pair of letters is one edit). Short words and numbers must be exact, so "Home"
 * never becomes "Hope" and "A57" never "A59". Working on whole words, a name matches only if all of it is there:
 * "Upper Newington" does not find "Upper Baker Street" because it shares two words with it.
 */
final class PlaceMatch {
    private PlaceMatch() {}

    /** Edits allowed in a word: none up to 4 letters, 1 up to 8, then 2; none in anything with a digit. */
    static int allowedEdits(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (Character.isDigit(word.charAt(i))) {
                return 0;
            }
        }
        int n = word.length();
        return n <= 4 ? 0 : n <= 8 ? 1 : 2;
    }

    /**
     * The fewest edits with which {@code name} appears as consecutive words of {@code text}, or -1 when it does not
     * appear. Both are matching keys ({@link PlaceNames#key}): lower case words separated by single spaces.
     */
    static int edits(String name, String text) {
        String[] nameWords = name.split(" ");
        String[] textWords = text.split(" ");
        int best = -1;
        for (int start = 0; start + nameWords.length <= textWords.length; start++) {
            int total = 0;
            for (int k = 0; k < nameWords.length && total >= 0; k++) {
                int limit = allowedEdits(nameWords[k]);
                int d = distance(nameWords[k], textWords[start + k], limit);
                total = d > limit ? -1 : total + d;
            }
            if (total >= 0 && (best < 0 || total < best)) {
                best = total;
            }
        }
        return best;
    }

    /** Optimal string alignment distance, or {@code limit + 1} as soon as it must exceed {@code limit}. */
    static int distance(String a, String b, int limit) {
        if (a.equals(b)) {
            return 0;
        }
        int n = a.length();
        int m = b.length();
        if (Math.abs(n - m) > limit) {
            return limit + 1;
        }
        int[] prevPrev = new int[m + 1];
        int[] prev = new int[m + 1];
        int[] row = new int[m + 1];
        for (int j = 0; j <= m; j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= n; i++) {
            row[0] = i;
            int rowMin = row[0];
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int d = Math.min(Math.min(prev[j] + 1, row[j - 1] + 1), prev[j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d = Math.min(d, prevPrev[j - 2] + 1);
                }
                row[j] = d;
                rowMin = Math.min(rowMin, d);
            }
            if (rowMin > limit) {
                return limit + 1;
            }
            int[] t = prevPrev;
            prevPrev = prev;
            prev = row;
            row = t;
        }
        return Math.min(prev[m], limit + 1);
    }
}
