package org.safemap.geocode;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PlaceMatchTest {
    @Test
    void forgivesOneSlipInAMiddleSizedWordAndNoneInShortWordsOrNumbers() {
        assertThat(PlaceMatch.edits("botanic road", "btoanic road")).isEqualTo(1); // swapped letters
        assertThat(PlaceMatch.edits("bold street", "bold stret")).isEqualTo(1); // a letter missing
        assertThat(PlaceMatch.edits("bold street", "outside 38 bold street")).isZero();
        assertThat(PlaceMatch.edits("hope street", "home street")).isEqualTo(-1); // 4 letters: exact only
        assertThat(PlaceMatch.edits("a57", "a59")).isEqualTo(-1);
        assertThat(PlaceMatch.edits("upper baker street", "in the street upper newington"))
                .isEqualTo(-1);
        assertThat(PlaceMatch.edits("street bold", "bold street")).isEqualTo(-1); // order matters
        assertThat(PlaceMatch.edits("aigburth road", "aigbruth raod")).isEqualTo(-1); // "road" is short: exact
    }

    /** The banded distance agrees with a plain full-table optimal string alignment distance. */
    @Test
    void distanceAgreesWithTheTextbookTable() {
        Random random = new Random(7);
        for (int trial = 0; trial < 20_000; trial++) {
            String a = word(random);
            String b = random.nextBoolean() ? mutate(a, random) : word(random);
            int reference = reference(a, b);
            for (int limit = 0; limit <= 3; limit++) {
                assertThat(PlaceMatch.distance(a, b, limit))
                        .as(a + " / " + b + " limit " + limit)
                        .isEqualTo(Math.min(reference, limit + 1));
            }
        }
    }

    private static String word(Random r) {
        StringBuilder s = new StringBuilder();
        int n = 1 + r.nextInt(9);
        for (int i = 0; i < n; i++) {
            s.append((char) ('a' + r.nextInt(5)));
        }
        return s.toString();
    }

    private static String mutate(String w, Random r) {
        StringBuilder s = new StringBuilder(w);
        int edits = 1 + r.nextInt(2);
        for (int e = 0; e < edits && s.length() > 1; e++) {
            int i = r.nextInt(s.length() - 1);
            switch (r.nextInt(4)) {
                case 0 -> s.deleteCharAt(i);
                case 1 -> s.insert(i, 'z');
                case 2 -> s.setCharAt(i, 'y');
                default -> {
                    char c = s.charAt(i);
                    s.setCharAt(i, s.charAt(i + 1));
                    s.setCharAt(i + 1, c);
                }
            }
        }
        return s.toString();
    }

    private static int reference(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
