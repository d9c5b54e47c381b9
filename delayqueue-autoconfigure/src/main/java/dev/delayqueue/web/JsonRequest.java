package dev.delayqueue.web;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobTooLargeException;

import org.springframework.web.servlet.function.ServerRequest;

/**
 * A JSON object request body, read under a size limit, with typed field access whose errors name the field and the
 * rule. Duplicate keys and trailing content are refused.
 */
final class JsonRequest {

	static final JsonMapper STRICT = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.build();

	private final ObjectNode fields;

	private JsonRequest(ObjectNode fields) {
		this.fields = fields;
	}

	static JsonRequest read(ServerRequest request, int maxBytes) {
		long declared = request.headers().contentLength().orElse(-1);
		if (declared > maxBytes) {
			throw tooLarge(maxBytes, declared);
		}
		byte[] bytes;
		try (InputStream in = request.servletRequest().getInputStream()) {
			bytes = in.readNBytes(maxBytes + 1);
		}
		catch (IOException ex) {
			throw new InvalidJobException("request", "body could not be read: " + ex.getMessage());
		}
		if (bytes.length > maxBytes) {
			throw tooLarge(maxBytes, -1);
		}
		if (bytes.length == 0) {
			throw new InvalidJobException("request", "body must be a JSON object, was empty");
		}
		JsonNode node;
		try {
			node = STRICT.readTree(bytes);
		}
		catch (JacksonException ex) {
			throw new InvalidJobException("request", "body must be a JSON object: " + ex.getOriginalMessage());
		}
		if (node == null || !node.isObject()) {
			throw new InvalidJobException("request", "body must be a JSON object, was "
					+ ((node == null) ? "empty" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
		}
		return new JsonRequest((ObjectNode) node);
	}

	private static JobTooLargeException tooLarge(int maxBytes, long declared) {
		return new JobTooLargeException("request", "body must be at most " + maxBytes + " bytes"
				+ ((declared >= 0) ? ", was " + declared : ""));
	}

	boolean has(String field) {
		JsonNode value = this.fields.get(field);
		return value != null && !value.isNull();
	}

	@Nullable JsonNode raw(String field) {
		JsonNode value = this.fields.get(field);
		return (value == null || value.isNull()) ? null : value;
	}

	String requiredText(String field) {
		String value = optionalText(field);
		if (value == null) {
			throw new InvalidJobException(field, "is required");
		}
		return value;
	}

	@Nullable String optionalText(String field) {
		JsonNode value = raw(field);
		if (value == null) {
			return null;
		}
		if (!value.isString()) {
			throw new InvalidJobException(field, "must be a string, was " + type(value));
		}
		return value.stringValue();
	}

	@Nullable BigDecimal optionalNumber(String field) {
		JsonNode value = raw(field);
		if (value == null) {
			return null;
		}
		if (!value.isNumber()) {
			throw new InvalidJobException(field, "must be a number, was " + type(value));
		}
		if (value.isFloatingPointNumber() && !Double.isFinite(value.doubleValue())) {
			throw new InvalidJobException(field, "must be a finite number");
		}
		return value.decimalValue();
	}

	@Nullable Integer optionalInt(String field, int min, int max) {
		BigDecimal value = optionalNumber(field);
		if (value == null) {
			return null;
		}
		if (value.stripTrailingZeros().scale() > 0) {
			throw new InvalidJobException(field, "must be a whole number, was " + value.toPlainString());
		}
		if (value.compareTo(BigDecimal.valueOf(min)) < 0 || value.compareTo(BigDecimal.valueOf(max)) > 0) {
			throw new InvalidJobException(field, "must be between " + min + " and " + max + ", was "
					+ value.toPlainString());
		}
		return value.intValueExact();
	}

	boolean optionalBoolean(String field) {
		JsonNode value = raw(field);
		if (value == null) {
			return false;
		}
		if (!value.isBoolean()) {
			throw new InvalidJobException(field, "must be true or false, was " + type(value));
		}
		return value.booleanValue();
	}

	Map<String, String> optionalStringMap(String field) {
		JsonNode value = raw(field);
		if (value == null) {
			return Map.of();
		}
		if (!value.isObject()) {
			throw new InvalidJobException(field, "must be an object of strings, was " + type(value));
		}
		Map<String, String> map = new LinkedHashMap<>();
		for (Map.Entry<String, JsonNode> entry : value.properties()) {
			if (!entry.getValue().isString()) {
				throw new InvalidJobException(field + "." + entry.getKey(), "must be a string, was "
						+ type(entry.getValue()));
			}
			map.put(entry.getKey(), entry.getValue().stringValue());
		}
		return map;
	}

	@Nullable JsonRequest optionalObject(String field) {
		JsonNode value = raw(field);
		if (value == null) {
			return null;
		}
		if (!value.isObject()) {
			throw new InvalidJobException(field, "must be an object, was " + type(value));
		}
		return new JsonRequest((ObjectNode) value);
	}

	static String type(JsonNode value) {
		return value.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
	}

}
