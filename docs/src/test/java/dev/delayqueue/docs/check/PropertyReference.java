package dev.delayqueue.docs.check;

/**
 * A property name a page mentions.
 *
 * @param name the name as written, without a value ({@code delayqueue.web.enabled} of
 * {@code delayqueue.web.enabled=true})
 * @param line the line number, from 1
 * @param place where the page mentions it
 */
record PropertyReference(String name, int line, Place place) {

	/**
	 * Where a page mentions a property.
	 */
	enum Place {

		/** A backticked span of prose or of a table. */
		PROSE,

		/** A key of a {@code ```properties} block: configuration a reader may copy. */
		PROPERTIES_BLOCK

	}

}
