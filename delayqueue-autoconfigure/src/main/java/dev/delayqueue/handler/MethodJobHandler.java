package dev.delayqueue.handler;

import java.nio.charset.StandardCharsets;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.NonRetryableJobException;
import dev.delayqueue.worker.JobHandler;

import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.MessageConversionException;
import org.springframework.messaging.handler.invocation.InvocableHandlerMethod;
import org.springframework.messaging.handler.invocation.MethodArgumentResolutionException;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/**
 * A {@link DelayedJobHandler} method as a {@link JobHandler}: the job becomes a message whose payload is the JSON
 * body, and spring-messaging's argument resolvers bind the method's parameters.
 */
final class MethodJobHandler implements JobHandler {

	private static final byte[] NO_BODY = new byte[0];

	private final InvocableHandlerMethod method;

	private final String description;

	MethodJobHandler(InvocableHandlerMethod method, String description) {
		this.method = method;
		this.description = description;
	}

	@Override
	public void handle(DelayedJob job) throws Exception {
		String body = job.body();
		byte[] payload = (body == null || body.equals("null")) ? NO_BODY : body.getBytes(StandardCharsets.UTF_8);
		Message<byte[]> message = MessageBuilder.withPayload(payload)
			.setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON)
			.setHeader(DelayQueueHeaders.TOPIC, job.topic())
			.setHeader(DelayQueueHeaders.ID, job.id())
			.setHeader(DelayQueueHeaders.ATTEMPT, job.attempts())
			.setHeader(DelayQueueHeaders.DUE_AT, job.dueAt())
			.setHeader(DelayQueueHeaders.OCCURRENCE, job.occurrence())
			.setHeader(DelayQueueHeaders.JOB, job)
			.build();
		try {
			this.method.invoke(message);
		}
		catch (MethodArgumentResolutionException | MessageConversionException ex) {
			throw new NonRetryableJobException("Cannot bind job '" + job.id() + "' to " + this.description + ": "
					+ ex.getMessage(), ex);
		}
	}

	@Override
	public String toString() {
		return this.description;
	}

}
