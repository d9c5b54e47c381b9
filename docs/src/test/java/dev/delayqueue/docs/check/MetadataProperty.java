package dev.delayqueue.docs.check;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * A {@code delayqueue.*} property of the configuration metadata.
 *
 * @param name the property's name, map keys as a placeholder ({@code delayqueue.topics.<topic>.lease})
 * @param type the property's type, as the metadata writes it
 * @param defaultValue the metadata's {@code defaultValue}; a missing node when it gives none
 */
record MetadataProperty(String name, String type, JsonNode defaultValue) {

	MetadataProperty(String name, String type) {
		this(name, type, MissingNode.getInstance());
	}

	boolean hasDefault() {
		return !this.defaultValue.isMissingNode() && !this.defaultValue.isNull();
	}

}
