package dev.delayqueue.handler;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import dev.delayqueue.DelayedJob;
import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobNames;
import dev.delayqueue.worker.JobWorker;
import dev.delayqueue.worker.TopicSettings;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.MethodParameter;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.format.datetime.standard.DurationFormatterUtils;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.converter.JacksonJsonMessageConverter;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.Headers;
import org.springframework.messaging.handler.annotation.ValueConstants;
import org.springframework.messaging.handler.annotation.support.DefaultMessageHandlerMethodFactory;

/**
 * Finds {@link DelayedJobHandler} methods on every bean, checks them as soon as the bean is created (failing the
 * startup with a {@link HandlerDefinitionException} naming the bean, the method and the fix), and registers them
 * with the {@link JobWorker} once all singletons exist. Without a {@code JobWorker} bean (worker disabled), handlers
 * are still checked but nothing is delivered in this instance.
 *
 * @since 0.1.0
 */
public class DelayedJobHandlerBeanPostProcessor
		implements BeanPostProcessor, SmartInitializingSingleton, BeanFactoryAware {

	private static final Logger logger = LoggerFactory.getLogger(DelayedJobHandlerBeanPostProcessor.class);

	/** The headers every job's message carries, in the order an error message lists them. */
	private static final List<String> JOB_HEADERS = List.of(DelayQueueHeaders.TOPIC, DelayQueueHeaders.ID,
			DelayQueueHeaders.ATTEMPT, DelayQueueHeaders.DUE_AT, DelayQueueHeaders.OCCURRENCE, DelayQueueHeaders.JOB);

	/** Headers Spring's message itself carries. */
	private static final Set<String> MESSAGE_HEADERS = Set.of(MessageHeaders.ID, MessageHeaders.TIMESTAMP,
			MessageHeaders.CONTENT_TYPE);

	private final List<Definition> definitions = new ArrayList<>();

	private @Nullable ConfigurableBeanFactory beanFactory;

	@Override
	public void setBeanFactory(BeanFactory beanFactory) {
		this.beanFactory = (beanFactory instanceof ConfigurableBeanFactory cbf) ? cbf : null;
	}

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
		Class<?> targetClass = AopProxyUtils.ultimateTargetClass(bean);
		if (targetClass.getName().startsWith("java.") || bean instanceof DelayedJobHandlerBeanPostProcessor) {
			return bean;
		}
		Map<Method, DelayedJobHandler> annotated = MethodIntrospector.selectMethods(targetClass,
				(MethodIntrospector.MetadataLookup<DelayedJobHandler>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, DelayedJobHandler.class));
		for (Map.Entry<Method, DelayedJobHandler> entry : annotated.entrySet()) {
			this.definitions.add(define(bean, beanName, targetClass, entry.getKey(), entry.getValue()));
		}
		return bean;
	}

	private Definition define(Object bean, String beanName, Class<?> targetClass, Method method,
			DelayedJobHandler annotation) {
		String where = beanName + " (" + targetClass.getName() + "." + method.getName() + parameterList(method) + ")";
		if (Modifier.isStatic(method.getModifiers())) {
			throw new HandlerDefinitionException(where, "the method is static", "make it an instance method");
		}
		String topic = resolve(where, "topic", annotation.topic());
		if (topic.isEmpty()) {
			throw new HandlerDefinitionException(where, "no topic is given",
					"name one: @DelayedJobHandler(topic = \"order\")");
		}
		try {
			JobNames.checkTopic(topic);
		}
		catch (InvalidJobException ex) {
			throw new HandlerDefinitionException(where, "topic '" + topic + "' is not valid: " + ex.getMessage(),
					"use 1 to " + JobNames.MAX_TOPIC_LENGTH + " characters among A-Z a-z 0-9 _ . : -");
		}
		Method invocable;
		try {
			invocable = AopUtils.selectInvocableMethod(method, bean.getClass());
		}
		catch (IllegalStateException ex) {
			throw new HandlerDefinitionException(where, "the method cannot be called through the bean's JDK proxy",
					"declare the method on an interface the bean implements, or proxy the class "
							+ "(spring.aop.proxy-target-class=true / proxyTargetClass = true)");
		}
		checkParameters(where, method);
		return new Definition(topic, bean, invocable, where, annotation);
	}

	private void checkParameters(String where, Method method) {
		List<String> payloads = new ArrayList<>();
		for (int i = 0; i < method.getParameterCount(); i++) {
			MethodParameter parameter = new MethodParameter(method, i);
			Class<?> type = parameter.getParameterType();
			checkHeader(where, parameter, i);
			if (type == DelayedJob.class || parameter.hasParameterAnnotation(Header.class)
					|| parameter.hasParameterAnnotation(Headers.class) || Message.class.isAssignableFrom(type)
					|| type == MessageHeaders.class) {
				continue;
			}
			payloads.add(type.getSimpleName() + " (parameter " + (i + 1) + ")");
		}
		if (payloads.size() > 1) {
			throw new HandlerDefinitionException(where, "more than one parameter would take the job's body: "
					+ String.join(", ", payloads), "keep one body parameter; take the job itself as DelayedJob, and "
							+ "attempt, topic or id with @Header(DelayQueueHeaders.ATTEMPT) and the like");
		}
	}

	/**
	 * A {@code @Header} must name a header every job's message has, or be optional: a typo would otherwise fail
	 * every delivery of the topic.
	 */
	private static void checkHeader(String where, MethodParameter parameter, int index) {
		Header header = parameter.getParameterAnnotation(Header.class);
		if (header == null || !header.required() || !header.defaultValue().equals(ValueConstants.DEFAULT_NONE)) {
			return;
		}
		String name = header.name().isEmpty() ? header.value() : header.name();
		if (name.isEmpty()) {
			return;
		}
		if (!JOB_HEADERS.contains(name) && !MESSAGE_HEADERS.contains(name)) {
			throw new HandlerDefinitionException(where, "parameter " + (index + 1) + " asks for the header \"" + name
					+ "\", which no job has", "name one of the DelayQueueHeaders constants ("
							+ String.join(", ", JOB_HEADERS) + "), or mark it @Header(required = false)");
		}
	}

	@Override
	public void afterSingletonsInstantiated() {
		Map<String, Definition> byTopic = new LinkedHashMap<>();
		for (Definition definition : this.definitions) {
			Definition other = byTopic.putIfAbsent(definition.topic, definition);
			if (other != null) {
				throw new HandlerDefinitionException(definition.where,
						"topic '" + definition.topic + "' already has a handler: " + other.where,
						"keep one @DelayedJobHandler per topic, or give one of them another topic");
			}
		}
		ConfigurableBeanFactory factory = this.beanFactory;
		if (factory == null || byTopic.isEmpty()) {
			return;
		}
		TopicSettingsResolver settings = factory.getBeanProvider(TopicSettingsResolver.class)
			.getIfAvailable(() -> TopicSettingsResolver.DEFAULT);
		List<Registration> registrations = new ArrayList<>();
		for (Definition definition : byTopic.values()) {
			TopicSettings annotated = settings(definition, settings.defaults());
			registrations.add(new Registration(definition, settings.resolve(definition.topic, annotated)));
		}
		JobWorker worker = factory.getBeanProvider(JobWorker.class).getIfAvailable();
		if (worker == null) {
			logger.info("delayqueue worker is disabled: {} handler(s) checked, none will receive jobs here",
					registrations.size());
			return;
		}
		DefaultMessageHandlerMethodFactory methods = new DefaultMessageHandlerMethodFactory();
		JsonMapper jsonMapper = factory.getBeanProvider(JsonMapper.class).getIfAvailable(JsonMapper::new);
		methods.setMessageConverter(new JacksonJsonMessageConverter(jsonMapper));
		methods.setCustomArgumentResolvers(List.of(new DelayedJobArgumentResolver()));
		methods.setBeanFactory(factory);
		methods.afterPropertiesSet();
		for (Registration registration : registrations) {
			Definition definition = registration.definition;
			worker.register(definition.topic,
					new MethodJobHandler(methods.createInvocableHandlerMethod(definition.bean, definition.method),
							definition.where),
					registration.settings, definition.where);
		}
	}

	private TopicSettings settings(Definition definition, TopicSettings defaults) {
		DelayedJobHandler annotation = definition.annotation;
		String where = definition.where;
		TopicSettings.Builder settings = defaults.toBuilder();
		set(where, "concurrency", annotation.concurrency(), Integer::valueOf, settings::concurrency);
		set(where, "prefetch", annotation.prefetch(), Integer::valueOf, settings::prefetch);
		set(where, "lease", annotation.lease(), DurationFormatterUtils::detectAndParse, settings::lease);
		set(where, "maxAttempts", annotation.maxAttempts(), Integer::valueOf, settings::maxAttempts);
		set(where, "initialInterval", annotation.initialInterval(), DurationFormatterUtils::detectAndParse,
				settings::initialInterval);
		set(where, "multiplier", annotation.multiplier(), Double::valueOf, settings::multiplier);
		set(where, "maxInterval", annotation.maxInterval(), DurationFormatterUtils::detectAndParse,
				settings::maxInterval);
		settings.noRetryFor(List.of(annotation.noRetryFor()));
		try {
			return settings.build();
		}
		catch (IllegalArgumentException ex) {
			throw new HandlerDefinitionException(where, ex.getMessage(), "correct the @DelayedJobHandler attribute "
					+ "or the delayqueue.* property it comes from");
		}
	}

	/** Parses an attribute and hands it to the builder, unless it is empty (the default applies). */
	private <T> void set(String where, String attribute, String raw, Function<String, T> parser, Consumer<T> target) {
		String resolved = resolve(where, attribute, raw);
		if (resolved.isEmpty()) {
			return;
		}
		T value;
		try {
			value = parser.apply(resolved);
		}
		catch (RuntimeException ex) {
			throw new HandlerDefinitionException(where, attribute + " = \"" + resolved + "\" cannot be read ("
					+ ex.getMessage() + ")", "give " + attribute + " as " + example(attribute));
		}
		target.accept(value);
	}

	private static String example(String attribute) {
		return switch (attribute) {
			case "lease", "initialInterval", "maxInterval" -> "a duration such as \"30s\", \"500ms\" or \"PT1M\"";
			case "multiplier" -> "a number such as \"2.0\"";
			default -> "a whole number such as \"4\"";
		};
	}

	private String resolve(String where, String attribute, String raw) {
		ConfigurableBeanFactory factory = this.beanFactory;
		if (factory == null || raw.isEmpty()) {
			return raw.strip();
		}
		try {
			String resolved = factory.resolveEmbeddedValue(raw);
			if (resolved != null && resolved.contains("${")) {
				throw new IllegalArgumentException("Could not resolve placeholder in \"" + resolved + "\"");
			}
			return (resolved != null) ? resolved.strip() : "";
		}
		catch (IllegalArgumentException ex) {
			throw new HandlerDefinitionException(where, attribute + " \"" + raw + "\" cannot be resolved: "
					+ ex.getMessage(), "define the property it names, or give a default: ${name:default}");
		}
	}

	private static String parameterList(Method method) {
		StringBuilder out = new StringBuilder("(");
		Class<?>[] types = method.getParameterTypes();
		for (int i = 0; i < types.length; i++) {
			out.append((i > 0) ? ", " : "").append(types[i].getSimpleName());
		}
		return out.append(")").toString();
	}

	private record Definition(String topic, Object bean, Method method, String where, DelayedJobHandler annotation) {
	}

	private record Registration(Definition definition, TopicSettings settings) {
	}

}
