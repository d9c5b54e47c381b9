package dev.delayqueue.observation;

import java.util.Map;

import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.ReceiverContext;

import dev.delayqueue.DelayedJob;

/**
 * The context of a {@link DelayQueueObservations#DELIVERY} observation: the job being delivered, and as carrier
 * the trace context stored with it at scheduling, from which tracing continues the trace.
 *
 * @since 0.1.0
 */
public class DeliveryObservationContext extends ReceiverContext<Map<String, String>> {

	private final DelayedJob job;

	private final String lane;

	/**
	 * Creates a context.
	 * @param job the job, in flight
	 * @param lane {@code local} for a handler of this application, {@code http} for a callback
	 * @param traceContext the trace context stored with the job, empty when it has none
	 */
	public DeliveryObservationContext(DelayedJob job, String lane, Map<String, String> traceContext) {
		super((carrier, key) -> carrier.get(key), Kind.CONSUMER);
		this.job = job;
		this.lane = lane;
		setCarrier(traceContext);
		setRemoteServiceName("redis");
	}

	/**
	 * Returns the job.
	 * @return the job being delivered
	 */
	public DelayedJob getJob() {
		return this.job;
	}

	/**
	 * Returns the lane the job was claimed from.
	 * @return {@code local} or {@code http}
	 */
	public String getLane() {
		return this.lane;
	}

}
