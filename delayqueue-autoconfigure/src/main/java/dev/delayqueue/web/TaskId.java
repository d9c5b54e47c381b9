package dev.delayqueue.web;

import org.jspecify.annotations.Nullable;

import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobNames;

/**
 * The body of httpqueue's {@code POST /delete} and {@code POST /query}, bound by {@link WebJson}.
 *
 * @param id the task's id
 */
record TaskId(@Nullable String id) {

	/**
	 * Returns the id, checked.
	 * @return the id
	 * @throws InvalidJobException naming {@code id} when it is missing or breaks a rule of {@link JobNames}
	 */
	String checked() {
		return JobNames.checkId(WebJson.required("id", this.id));
	}

}
