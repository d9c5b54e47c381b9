package dev.delayqueue.observation;

import java.util.LinkedHashMap;
import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;

/**
 * The context of a {@link DelayQueueObservations#SCHEDULE} observation: the topic and how many jobs one call
 * schedules. Its carrier receives the trace context that tracing writes when the observation starts; each job
 * scheduled in the call stores it.
 *
 * @since 0.1.0
 */
public class ScheduleObservationContext extends SenderContext<Map<String, String>> {

	private final String topic;

	private final int jobs;

	/**
	 * Creates a context.
	 * @param topic the topic
	 * @param jobs how many jobs the call schedules on it
	 */
	public ScheduleObservationContext(String topic, int jobs) {
		super((carrier, key, value) -> {
			if (carrier != null) {
				carrier.put(key, value);
			}
		}, Kind.PRODUCER);
		this.topic = topic;
		this.jobs = jobs;
		setCarrier(new LinkedHashMap<>(4));
		setRemoteServiceName("redis");
	}

	/**
	 * Returns the topic.
	 * @return the topic
	 */
	public String getTopic() {
		return this.topic;
	}

	/**
	 * Returns how many jobs the call schedules.
	 * @return at least 1
	 */
	public int getJobs() {
		return this.jobs;
	}

}
