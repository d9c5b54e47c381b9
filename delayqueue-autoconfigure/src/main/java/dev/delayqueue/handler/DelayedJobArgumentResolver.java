package dev.delayqueue.handler;

import dev.delayqueue.DelayedJob;

import org.springframework.core.MethodParameter;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.invocation.HandlerMethodArgumentResolver;

/**
 * Resolves {@link DelayedJob} parameters of handler methods.
 */
final class DelayedJobArgumentResolver implements HandlerMethodArgumentResolver {

	@Override
	public boolean supportsParameter(MethodParameter parameter) {
		return parameter.getParameterType() == DelayedJob.class;
	}

	@Override
	public Object resolveArgument(MethodParameter parameter, Message<?> message) {
		return message.getHeaders().get(DelayQueueHeaders.JOB, DelayedJob.class);
	}

}
