package dev.tmem.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The STATS reader: what the server sends, and clear errors naming the offset for anything else. */
class JsonTest {

    @Test
    void readsNumbersNullsStringsAndNestedObjects() {
        Map<String, Object> m = Json.parseObject(
                " {\"puts\": 12, \"ratio\": 1.5e0, \"client\": {\"cap_pages\": null, \"weight\": 1},"
                        + " \"name\": \"a\\\"b\\u0041\", \"on\": true, \"neg\": -3} ");
        assertThat(m).containsEntry("puts", 12L).containsEntry("ratio", 1.5).containsEntry("name", "a\"bA")
                .containsEntry("on", true).containsEntry("neg", -3L);
        @SuppressWarnings("unchecked")
        Map<String, Object> client = (Map<String, Object>) m.get("client");
        assertThat(client).containsEntry("cap_pages", null).containsEntry("weight", 1L);
        assertThat(Json.parseObject("{}")).isEmpty();
    }

    @Test
    void malformedInputIsRefusedWithItsOffset() {
        assertThatThrownBy(() -> Json.parseObject("{\"a\": 1")).hasMessageContaining("unexpected end at offset 7");
        assertThatThrownBy(() -> Json.parseObject("{\"a\": [1]}")).hasMessageContaining("expected a value at offset 6");
        assertThatThrownBy(() -> Json.parseObject("{\"a\": 1} x")).hasMessageContaining("trailing characters");
        assertThatThrownBy(() -> Json.parseObject("{\"a\" 1}")).hasMessageContaining("expected : at offset 5");
        assertThatThrownBy(() -> Json.parseObject("{\"a\": 1 \"b\": 2}")).hasMessageContaining("expected , or }");
    }
}
