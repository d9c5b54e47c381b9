package dev.delayqueue;

import java.util.Locale;

/**
 * What a callback receiver's answer must look like for a delivery to count as a success. Anything else is a
 * failure and the job is tried again with its backoff (or goes to the dead state after its last attempt).
 *
 * @since 0.1.0
 */
public enum SuccessContract {

	/** Any {@code 2xx} status; the body is ignored. The default for new clients. */
	STATUS_2XX("2xx"),

	/** A {@code 2xx} status and the body {@code ok} (surrounding whitespace ignored): the contract of {@code /job}. */
	BODY_OK("ok"),

	/**
	 * A {@code 2xx} status and a JSON body {@code {"code":100}}; {@code {"code":101}} means "too many requests":
	 * the job is tried again later without spending an attempt. The contract of httpqueue.
	 */
	CODE_100("code");

	private final String wireName;

	SuccessContract(String wireName) {
		this.wireName = wireName;
	}

	/**
	 * Returns the name used in HTTP requests and in Redis: {@code 2xx}, {@code ok} or {@code code}.
	 * @return the wire name
	 */
	public String wireName() {
		return this.wireName;
	}

	/**
	 * Reads a wire name.
	 * @param field the request field, named in the error
	 * @param name {@code 2xx}, {@code ok} or {@code code} (case-insensitive)
	 * @return the contract
	 * @throws InvalidJobException when the name is none of these
	 */
	public static SuccessContract fromWireName(String field, String name) {
		String lower = name.trim().toLowerCase(Locale.ROOT);
		for (SuccessContract contract : values()) {
			if (contract.wireName.equals(lower)) {
				return contract;
			}
		}
		throw new InvalidJobException(field, "must be one of 2xx, ok, code (was '" + name + "')");
	}

}
