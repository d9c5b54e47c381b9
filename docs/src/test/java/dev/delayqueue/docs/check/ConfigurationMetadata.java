package dev.delayqueue.docs.check;

import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.BeanUtils;
import org.springframework.util.ClassUtils;

/**
 * The {@code delayqueue.*} properties of the configuration metadata on the classpath. A property of a map type
 * whose values are one of delayqueue's own types ({@code delayqueue.topics}) stands for one property per key of the
 * value type, the map key a placeholder named after the map ({@code delayqueue.topics.<topic>.lease},
 * {@code delayqueue.topics.<topic>.retry.max-attempts}); the value type's properties are found by JavaBean
 * introspection, in kebab case, nested types of the same package recursed into.
 */
final class ConfigurationMetadata {

	static final String PREFIX = "delayqueue.";

	static final String RESOURCE = "META-INF/spring-configuration-metadata.json";

	/** Map values of these types are expanded into their keys. */
	private static final String OWN_TYPES = "dev.delayqueue.";

	private final Map<String, MetadataProperty> properties;

	private final Map<String, String> maps;

	private ConfigurationMetadata(Map<String, MetadataProperty> properties, Map<String, String> maps) {
		this.properties = Collections.unmodifiableMap(properties);
		this.maps = Collections.unmodifiableMap(maps);
	}

	/**
	 * Reads every metadata file a class loader sees.
	 * @param classLoader the class loader, also used to load the value types of maps
	 * @return the metadata
	 */
	static ConfigurationMetadata load(ClassLoader classLoader) {
		JsonMapper mapper = JsonMapper.shared();
		List<JsonNode> documents = new ArrayList<>();
		try {
			for (URL url : Collections.list(classLoader.getResources(RESOURCE))) {
				try (InputStream in = url.openStream()) {
					documents.add(mapper.readTree(in));
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return of(documents, classLoader);
	}

	/**
	 * Reads metadata documents.
	 * @param json the documents' text
	 * @param classLoader loads the value types of maps
	 * @return the metadata
	 */
	static ConfigurationMetadata parse(List<String> json, ClassLoader classLoader) {
		JsonMapper mapper = JsonMapper.shared();
		return of(json.stream().map(mapper::readTree).toList(), classLoader);
	}

	private static ConfigurationMetadata of(List<JsonNode> documents, ClassLoader classLoader) {
		Map<String, MetadataProperty> properties = new TreeMap<>();
		Map<String, String> maps = new TreeMap<>();
		for (JsonNode document : documents) {
			for (JsonNode property : document.path("properties")) {
				String name = property.path("name").asString("");
				if (!name.startsWith(PREFIX) || properties.containsKey(name)) {
					continue;
				}
				String type = property.path("type").asString("");
				Class<?> valueType = beanValueTypeOfMap(type, classLoader);
				if (valueType != null) {
					String placeholder = placeholder(name);
					maps.put(name, placeholder);
					for (MetadataProperty key : beanProperties(name + "." + placeholder + ".", valueType)) {
						properties.putIfAbsent(key.name(), key);
					}
				}
				else {
					properties.put(name, new MetadataProperty(name, type, property.path("defaultValue")));
				}
			}
		}
		return new ConfigurationMetadata(properties, maps);
	}

	/**
	 * The value type of a {@code java.util.Map<K,V>} type when it is one of delayqueue's own types.
	 * @return the type, or {@code null} for any other type
	 */
	private static @Nullable Class<?> beanValueTypeOfMap(String type, ClassLoader classLoader) {
		if (!type.startsWith("java.util.Map<") || !type.endsWith(">")) {
			return null;
		}
		String arguments = type.substring("java.util.Map<".length(), type.length() - 1);
		int depth = 0;
		for (int index = 0; index < arguments.length(); index++) {
			char current = arguments.charAt(index);
			if (current == '<') {
				depth++;
			}
			else if (current == '>') {
				depth--;
			}
			else if (current == ',' && depth == 0) {
				String valueTypeName = arguments.substring(index + 1).strip();
				if (!valueTypeName.startsWith(OWN_TYPES)) {
					return null;
				}
				try {
					return ClassUtils.forName(valueTypeName, classLoader);
				}
				catch (ClassNotFoundException | LinkageError ex) {
					throw new IllegalStateException("the metadata names " + valueTypeName
							+ " as the value type of a map, and it is not on the classpath", ex);
				}
			}
		}
		return null;
	}

	private static String placeholder(String mapName) {
		String last = mapName.substring(mapName.lastIndexOf('.') + 1);
		if (last.equals("recurring")) {
			return "<name>";
		}
		return "<" + (last.endsWith("s") ? last.substring(0, last.length() - 1) : last) + ">";
	}

	/**
	 * The bindable properties of a bean type: getter and setter pairs, nested beans of the same package recursed
	 * into whether they have a setter or not.
	 */
	static List<MetadataProperty> beanProperties(String prefix, Class<?> type) {
		List<MetadataProperty> found = new ArrayList<>();
		for (PropertyDescriptor descriptor : BeanUtils.getPropertyDescriptors(type)) {
			if (descriptor.getReadMethod() == null || descriptor.getName().equals("class")) {
				continue;
			}
			String name = prefix + dashed(descriptor.getName());
			Class<?> propertyType = descriptor.getPropertyType();
			if (propertyType.getPackageName().equals(type.getPackageName()) && !propertyType.isEnum()) {
				found.addAll(beanProperties(name + ".", propertyType));
			}
			else if (descriptor.getWriteMethod() != null) {
				found.add(new MetadataProperty(name, descriptor.getReadMethod().getGenericReturnType().getTypeName()));
			}
		}
		return found;
	}

	static String dashed(String camelCase) {
		StringBuilder dashed = new StringBuilder();
		for (char current : camelCase.toCharArray()) {
			if (Character.isUpperCase(current)) {
				dashed.append('-').append(Character.toLowerCase(current));
			}
			else {
				dashed.append(current);
			}
		}
		return dashed.toString();
	}

	/**
	 * The properties, sorted by name.
	 * @return the properties by name
	 */
	Map<String, MetadataProperty> properties() {
		return this.properties;
	}

	/**
	 * The map properties expanded into their keys.
	 * @return each map's name ({@code delayqueue.topics}) and the placeholder of its keys ({@code <topic>})
	 */
	Map<String, String> maps() {
		return this.maps;
	}

	/**
	 * The segments that follow {@code delayqueue.} in some property.
	 * @return such as {@code enabled}, {@code redis}, {@code topics}
	 */
	Set<String> firstSegments() {
		Set<String> segments = new TreeSet<>();
		Collection<String> names = new ArrayList<>(this.properties.keySet());
		names.addAll(this.maps.keySet());
		for (String name : names) {
			String rest = name.substring(PREFIX.length());
			int dot = rest.indexOf('.');
			segments.add((dot >= 0) ? rest.substring(0, dot) : rest);
		}
		return segments;
	}

	/**
	 * Whether a name is a property or a group of properties.
	 * @param name a name with map keys as placeholders
	 * @return whether some property is that name or starts with it and a dot
	 */
	boolean isPropertyOrGroup(String name) {
		if (this.properties.containsKey(name) || this.maps.containsKey(name)) {
			return true;
		}
		String group = name + ".";
		return this.properties.keySet().stream().anyMatch((property) -> property.startsWith(group));
	}

}
