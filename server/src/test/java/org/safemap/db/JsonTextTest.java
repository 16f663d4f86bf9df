package org.safemap.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The hand-built JSON reads back, through a JSON library, as the very map it was made from. */
class JsonTextTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writesObjectsThatReadBackAsTheSameMap() throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("last_outcome", "Investigation complete; no suspect identified");
        values.put("quote \" and back\\slash", "tab\t line\n cr\r bell\u0007 nul-free \u001f end");
        values.put("unicode", "é 漢字 😀 \u2028 \u007f");
        values.put("empty", "");
        values.put("none", null);
        String json = JsonText.object(values);
        assertThat(JSON.readValue(json, HashMap.class)).isEqualTo(values);
        assertThat(JsonText.object(Map.of())).isEqualTo("{}");
        assertThat(JsonText.object(Map.of("a", "b"))).isEqualTo("{\"a\":\"b\"}");
    }
}
