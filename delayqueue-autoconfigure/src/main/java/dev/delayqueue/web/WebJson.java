package dev.delayqueue.web;

import java.io.IOException;
import java.io.InputStream;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JacksonException.Reference;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.type.LogicalType;

import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobTooLargeException;

import org.springframework.web.servlet.function.ServerRequest;

/**
 * The endpoints' own JSON, independent of the application's mapper: request bodies are bound to request records and
 * responses written from records, with snake_case names as the wire contracts have them.
 * <p>
 * Binding is strict: no scalar coercion (a string where a number is expected is an error and vice versa, and so is
 * a fraction where a whole number is expected), duplicate keys and anything after the object are refused; unknown
 * fields are ignored. Every Jackson error becomes one {@link InvalidJobException} naming the field by its path
 * ({@code topic}, {@code headers.X}, {@code backoff.initial}), or {@code request} for the body as a whole.
 */
final class WebJson {

	/** Reads requests and writes responses. */
	static final JsonMapper MAPPER = JsonMapper.builder()
		.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
		.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.disable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
		.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
		.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
		.withCoercionConfig(LogicalType.Textual,
				(text) -> text.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
		.disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
		.propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
		.build();

	private static final String BODY = "request";

	private WebJson() {
	}

	/**
	 * Reads a request body of at most {@code maxBytes} into {@code type}.
	 * @throws JobTooLargeException naming {@code request} when the body is larger
	 * @throws InvalidJobException naming the field when the body is not a JSON object of the right shape
	 */
	static <T> T read(ServerRequest request, int maxBytes, Class<T> type) {
		long declared = request.headers().contentLength().orElse(-1);
		if (declared > maxBytes) {
			throw tooLarge(maxBytes, declared);
		}
		byte[] bytes;
		try (InputStream in = request.servletRequest().getInputStream()) {
			bytes = in.readNBytes(maxBytes + 1);
		}
		catch (IOException ex) {
			throw new InvalidJobException(BODY, "body could not be read: " + ex.getMessage());
		}
		if (bytes.length > maxBytes) {
			throw tooLarge(maxBytes, -1);
		}
		return read(bytes, type);
	}

	/**
	 * Reads a JSON object into {@code type}.
	 * @throws InvalidJobException naming the field when the JSON is not an object of the right shape
	 */
	static <T> T read(byte[] json, Class<T> type) {
		try (JsonParser parser = MAPPER.createParser(json)) {
			if (parser.nextToken() == null) {
				throw new InvalidJobException(BODY, "body must be a JSON object, was empty");
			}
			T value = MAPPER.readValue(parser, type);
			if (value == null) {
				throw new InvalidJobException(BODY, "body must be a JSON object, was null");
			}
			if (parser.nextToken() != null) {
				throw new InvalidJobException(BODY, "body must be one JSON object, found more after it");
			}
			return value;
		}
		catch (JacksonException ex) {
			throw invalid(ex);
		}
	}

	private static JobTooLargeException tooLarge(int maxBytes, long declared) {
		return new JobTooLargeException(BODY, "body must be at most " + maxBytes + " bytes"
				+ ((declared >= 0) ? ", was " + declared : ""));
	}

	/**
	 * The one translation of a Jackson error into the field it concerns and the rule it broke.
	 */
	private static InvalidJobException invalid(JacksonException ex) {
		List<Reference> path = ex.getPath();
		if (ex instanceof StreamReadException && !(ex instanceof InputCoercionException)) {
			return new InvalidJobException(BODY, "body must be a JSON object: " + ex.getOriginalMessage());
		}
		if (path.isEmpty()) {
			if (ex instanceof MismatchedInputException mismatch && mismatch.getCurrentToken() != null
					&& mismatch.getCurrentToken() != JsonToken.START_OBJECT) {
				return new InvalidJobException(BODY, "body must be a JSON object, was "
						+ found(mismatch.getCurrentToken()));
			}
			return new InvalidJobException(BODY, "body must be a JSON object: " + ex.getOriginalMessage());
		}
		String field = path.stream().map(WebJson::name).collect(Collectors.joining("."));
		if (ex instanceof InputCoercionException coercion) {
			Class<?> type = coercion.getTargetType();
			return new InvalidJobException(field, "must be " + expected(type) + range(type) + ", was out of range");
		}
		if (ex instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null
				&& mismatch.getCurrentToken() != null) {
			String was = (mismatch instanceof InvalidFormatException format
					&& mismatch.getCurrentToken().isNumeric()) ? String.valueOf(format.getValue())
							: found(mismatch.getCurrentToken());
			return new InvalidJobException(field, "must be " + expected(mismatch.getTargetType()) + ", was " + was);
		}
		return new InvalidJobException(field, ex.getOriginalMessage());
	}

	private static String name(Reference reference) {
		return (reference.getPropertyName() != null) ? reference.getPropertyName()
				: Integer.toString(reference.getIndex());
	}

	private static String expected(Class<?> type) {
		if (CharSequence.class.isAssignableFrom(type)) {
			return "a string";
		}
		if (type == Boolean.class || type == boolean.class) {
			return "true or false";
		}
		if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
			return "a whole number";
		}
		if (Number.class.isAssignableFrom(type) || type.isPrimitive()) {
			return "a number";
		}
		if (Collection.class.isAssignableFrom(type) || type.isArray()) {
			return "an array";
		}
		return "an object";
	}

	private static String range(Class<?> type) {
		if (type == Integer.class || type == int.class) {
			return " from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
		}
		if (type == Long.class || type == long.class) {
			return " from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
		}
		return "";
	}

	private static String found(JsonToken token) {
		return switch (token) {
			case VALUE_STRING -> "string";
			case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
			case VALUE_TRUE, VALUE_FALSE -> "boolean";
			case VALUE_NULL -> "null";
			case START_OBJECT -> "object";
			case START_ARRAY -> "array";
			default -> token.name().toLowerCase(Locale.ROOT);
		};
	}

	/**
	 * Returns a field the wire contract requires.
	 * @throws InvalidJobException naming the field when it is missing or {@code null}
	 */
	static <T> T required(String field, @Nullable T value) {
		if (value == null) {
			throw new InvalidJobException(field, "is required");
		}
		return value;
	}

	/**
	 * Returns whether a field holding any JSON was given, {@code null} counting as not given.
	 */
	static boolean given(@Nullable JsonNode value) {
		return value != null && !value.isNull();
	}

	/**
	 * Reads JSON a job stored, or the text itself when it is not JSON.
	 */
	static @Nullable JsonNode readStored(@Nullable String json) {
		if (json == null) {
			return null;
		}
		try {
			return MAPPER.readTree(json);
		}
		catch (JacksonException ex) {
			return JsonNodeFactory.instance.stringNode(json);
		}
	}

	/**
	 * Names the type of a JSON value: {@code string}, {@code number}, {@code object}, ...
	 */
	static String type(JsonNode value) {
		return value.getNodeType().name().toLowerCase(Locale.ROOT);
	}

}
