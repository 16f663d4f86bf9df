package org.safemap.sharing;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The audit chain's arithmetic: an entry's canonical form and its HMAC. Kept apart from storage so the format is in
 * one place, and stated exactly in docs/audit-and-retention.md for anyone who wants to check the chain with their own
 * tools (a few lines of Python's hmac and json do it).
 *
 * <p>Canonical form: a compact JSON array, UTF-8, of seq, at (UTC, {@code yyyy-MM-ddTHH:mm:ss.SSSSSSZ}), actor, role,
 * partner, via, purpose, action, resource, feeds (object), result_size, outcome, detail (object); objects with keys
 * sorted, no spaces, numbers in plain decimal notation without trailing zeros. The hash is
 * {@code hex(HMAC-SHA256(key, prev_hash_hex || canonical))}.
 */
public final class AuditChain {
    /** The link before the first entry. */
    public static final String GENESIS = "0".repeat(64);

    private static final DateTimeFormatter AT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);
    /** Reads numbers exactly, so what PostgreSQL's jsonb gives back canonicalises to what was written. */
    private static final ObjectMapper EXACT = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
            .build();

    /** Initialised once with the key and cloned per hash: provider lookup and key set-up cost more than the MAC. */
    private final Mac keyed;

    public AuditChain(byte[] key) {
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("the audit key must be at least 16 bytes");
        }
        try {
            keyed = Mac.getInstance("HmacSHA256");
            keyed.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException ex) {
            throw new IllegalStateException("HmacSHA256 is part of every Java runtime", ex);
        }
    }

    private Mac mac() {
        try {
            synchronized (keyed) {
                return (Mac) keyed.clone();
            }
        } catch (CloneNotSupportedException ex) {
            throw new IllegalStateException("the JDK's HmacSHA256 can be cloned", ex);
        }
    }

    /** The hash an entry with this content must carry after {@code prevHash}. */
    public String hash(AuditEntry e) {
        Mac mac = mac();
        mac.update(e.prevHash().getBytes(StandardCharsets.US_ASCII));
        return HexFormat.of().formatHex(mac.doFinal(canonical(e).getBytes(StandardCharsets.UTF_8)));
    }

    /** Whether the entry carries the hash its content and link give. */
    public boolean matches(AuditEntry e) {
        return java.security.MessageDigest.isEqual(
                hash(e).getBytes(StandardCharsets.US_ASCII), e.hash().getBytes(StandardCharsets.US_ASCII));
    }

    /**
     * The first of {@code candidates} that, as the entry's number, makes its content give its hash; 0 when none does.
     * Verification uses it to tell where a moved entry came from; the canonical form is built once, so trying ten
     * thousand numbers costs milliseconds.
     */
    public long seqThatFits(AuditEntry e, java.util.stream.LongStream candidates) {
        String canonical = canonical(e);
        byte[] tail = canonical.substring(canonical.indexOf(',')).getBytes(StandardCharsets.UTF_8);
        byte[] want = e.hash().getBytes(StandardCharsets.US_ASCII);
        try {
            Mac linked = mac();
            linked.update(e.prevHash().getBytes(StandardCharsets.US_ASCII));
            for (java.util.PrimitiveIterator.OfLong it = candidates.iterator(); it.hasNext(); ) {
                long s = it.next();
                Mac mac = (Mac) linked.clone();
                mac.update(("[" + s).getBytes(StandardCharsets.US_ASCII));
                byte[] got = HexFormat.of().formatHex(mac.doFinal(tail)).getBytes(StandardCharsets.US_ASCII);
                if (java.security.MessageDigest.isEqual(got, want)) {
                    return s;
                }
            }
            return 0;
        } catch (CloneNotSupportedException ex) {
            throw new IllegalStateException("the JDK's HmacSHA256 can be cloned", ex);
        }
    }

    /** Instants are kept to the microsecond, as PostgreSQL stores them. */
    public static Instant truncate(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }

    /** The canonical form of an entry (everything but its own hash), as hashed. */
    public static String canonical(AuditEntry e) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = EXACT.getFactory().createGenerator(out)) {
            g.writeStartArray();
            g.writeNumber(e.seq());
            g.writeString(AT.format(e.at()));
            string(g, e.actor());
            string(g, e.role());
            string(g, e.partner());
            string(g, e.via());
            string(g, e.purpose());
            string(g, e.action());
            string(g, e.resource());
            g.writeStartObject();
            for (Map.Entry<String, Integer> f : e.feeds().entrySet()) {
                g.writeFieldName(f.getKey());
                if (f.getValue() == null) {
                    g.writeNull();
                } else {
                    g.writeNumber(f.getValue());
                }
            }
            g.writeEndObject();
            if (e.resultSize() == null) {
                g.writeNull();
            } else {
                g.writeNumber(e.resultSize());
            }
            string(g, e.outcome());
            g.writeRawValue(e.detailJson()); // canonical since the entry was made
            g.writeEndArray();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toString();
    }

    /**
     * Any JSON text in canonical form: keys sorted, no spaces, numbers plain and without trailing zeros. Applied to
     * what is written and to what jsonb returns, it gives the same text, whatever jsonb did to spacing, key order or
     * number notation.
     */
    public static String canonicalJson(String json) {
        try {
            JsonNode node = json == null || json.isBlank() ? EXACT.createObjectNode() : EXACT.readTree(json);
            StringWriter out = new StringWriter();
            try (JsonGenerator g = EXACT.getFactory().createGenerator(out)) {
                write(g, node);
            }
            return out.toString();
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException("not JSON: " + ex.getOriginalMessage(), ex);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A value (maps, lists, strings, numbers, booleans, null) as canonical JSON. */
    public static String canonicalJson(Object value) {
        try {
            return canonicalJson(EXACT.writeValueAsString(value));
        } catch (JsonProcessingException ex) {
            throw new IllegalArgumentException(
                    "audit detail cannot be written as JSON: " + ex.getOriginalMessage(), ex);
        }
    }

    private static void write(JsonGenerator g, JsonNode n) throws IOException {
        if (n.isObject()) {
            List<String> names = new ArrayList<>();
            n.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            g.writeStartObject();
            for (String name : names) {
                g.writeFieldName(name);
                write(g, n.get(name));
            }
            g.writeEndObject();
        } else if (n.isArray()) {
            g.writeStartArray();
            for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
                write(g, it.next());
            }
            g.writeEndArray();
        } else if (n.isNumber()) {
            java.math.BigDecimal d = n.decimalValue().stripTrailingZeros();
            g.writeNumber(d.signum() == 0 ? "0" : d.toPlainString());
        } else if (n.isTextual()) {
            // jsonb cannot hold U+0000; keep what it would keep
            g.writeString(n.textValue().replace("\u0000", ""));
        } else if (n.isBoolean()) {
            g.writeBoolean(n.booleanValue());
        } else {
            g.writeNull();
        }
    }

    private static void string(JsonGenerator g, String s) throws IOException {
        if (s == null) {
            g.writeNull();
        } else {
            g.writeString(s);
        }
    }
}
