package dev.delayqueue.observation;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import brave.Tracing;
import brave.handler.MutableSpan;
import brave.handler.SpanHandler;
import brave.propagation.ThreadLocalCurrentTraceContext;
import brave.sampler.Sampler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.brave.bridge.BraveBaggageManager;
import io.micrometer.tracing.brave.bridge.BraveCurrentTraceContext;
import io.micrometer.tracing.brave.bridge.BraveFinishedSpan;
import io.micrometer.tracing.brave.bridge.BravePropagator;
import io.micrometer.tracing.brave.bridge.BraveTracer;
import io.micrometer.tracing.brave.bridge.W3CPropagation;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SpansAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.delayqueue.CallbackReceiver;
import dev.delayqueue.CallbackReceiver.Answer;
import dev.delayqueue.CallbackReceiver.Call;
import dev.delayqueue.DelayQueue;
import dev.delayqueue.DelayedJob;
import dev.delayqueue.JobCallback;
import dev.delayqueue.JobRequest;
import dev.delayqueue.TestRedis;
import dev.delayqueue.autoconfigure.DelayQueueAutoConfiguration;
import dev.delayqueue.autoconfigure.DelayQueueHttpAutoConfiguration;
import dev.delayqueue.handler.DelayedJobHandler;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.data.redis.autoconfigure.DataRedisAutoConfiguration;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.webclient.autoconfigure.WebClientAutoConfiguration;
import org.springframework.boot.webclient.autoconfigure.WebClientObservationAutoConfiguration;
import org.springframework.data.redis.core.StringRedisTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Trace propagation from scheduling to delivery, with Micrometer Tracing over Brave and W3C propagation (as Boot
 * sets it up), a real Spring context, a real Redis server and a real HTTP receiver: the trace id a handler sees, and
 * the one a callback's {@code traceparent} header carries, is the one of the request that scheduled the job.
 */
class TracingTests {

	private final List<MutableSpan> finished = new CopyOnWriteArrayList<>();

	private Tracing tracing;

	private Tracer tracer;

	private ObservationRegistry observations;

	private CallbackReceiver receiver;

	private ApplicationContextRunner runner;

	private String prefix;

	@BeforeEach
	void setUp() {
		this.prefix = TestRedis.uniquePrefix();
		this.tracing = Tracing.newBuilder()
			.propagationFactory(new W3CPropagation())
			.currentTraceContext(ThreadLocalCurrentTraceContext.create())
			.traceId128Bit(true)
			.sampler(Sampler.ALWAYS_SAMPLE)
			.addSpanHandler(new SpanHandler() {
				@Override
				public boolean end(brave.propagation.TraceContext context, MutableSpan span, Cause cause) {
					TracingTests.this.finished.add(span);
					return true;
				}
			})
			.build();
		this.tracer = new BraveTracer(this.tracing.tracer(),
				new BraveCurrentTraceContext(this.tracing.currentTraceContext()), new BraveBaggageManager());
		Propagator propagator = new BravePropagator(this.tracing);
		this.observations = ObservationRegistry.create();
		this.observations.observationConfig()
			.observationHandler(new ObservationHandler.FirstMatchingCompositeObservationHandler(
					new PropagatingSenderTracingObservationHandler<>(this.tracer, propagator),
					new PropagatingReceiverTracingObservationHandler<>(this.tracer, propagator),
					new DefaultTracingObservationHandler(this.tracer)));
		this.receiver = new CallbackReceiver((call) -> Answer.of(200, ""));
		this.runner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					WebClientAutoConfiguration.class, WebClientObservationAutoConfiguration.class,
					DelayQueueAutoConfiguration.class, DelayQueueHttpAutoConfiguration.class))
			.withBean(ObservationRegistry.class, () -> this.observations)
			.withBean(Tracer.class, () -> this.tracer)
			.withUserConfiguration(Handler.class)
			.withPropertyValues("spring.data.redis.port=" + TestRedis.port(),
					"delayqueue.redis.key-prefix=" + this.prefix, "delayqueue.worker.shutdown-timeout=2s");
	}

	@AfterEach
	void tearDown() {
		this.receiver.close();
		this.tracing.close();
	}

	@Test
	void aHandlerRunsInTheTraceOfTheRequestThatScheduledItsJob() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			Span request = this.tracer.nextSpan().name("POST /orders").start();
			try (Tracer.SpanInScope scope = this.tracer.withSpan(request)) {
				queue.schedule(JobRequest.builder("traced", "order-1").delay(Duration.ofMillis(500)).build());
			}
			request.end();
			String traceId = request.context().traceId();
			// stored with the job: the W3C traceparent of the scheduling span, a few bytes
			String stored = context.getBean(StringRedisTemplate.class)
				.<String, String>opsForHash()
				.get(jobKey(context.getBean(StringRedisTemplate.class), "order-1"), "trace");
			assertThat(stored).matches("traceparent: 00-" + traceId + "-[0-9a-f]{16}-01\n");

			Seen seen = context.getBean(Handler.class).seen.poll(10, TimeUnit.SECONDS);
			assertThat(seen).isNotNull();
			assertThat(seen.traceId()).isEqualTo(traceId);
			assertThat(seen.spanId()).isNotEqualTo(request.context().spanId());

			List<FinishedSpan> spans = await().atMost(Duration.ofSeconds(5))
				.until(this::finishedSpans, (all) -> names(all).contains("deliver traced"));
			FinishedSpan schedule = span(spans, "schedule traced");
			FinishedSpan delivery = span(spans, "deliver traced");
			SpansAssert.assertThat(spans).haveSameTraceId();
			assertThat(schedule.getParentId()).isEqualTo(request.context().spanId());
			assertThat(schedule.getKind()).isEqualTo(Span.Kind.PRODUCER);
			assertThat(schedule.getTags()).containsEntry(DelayQueueObservations.TOPIC, "traced")
				.containsEntry(DelayQueueObservations.JOB_ID, "order-1");
			// the delivery is a child of the scheduling span, so its logs carry the request's trace id
			assertThat(delivery.getParentId()).isEqualTo(schedule.getSpanId());
			assertThat(delivery.getSpanId()).isEqualTo(seen.spanId());
			assertThat(delivery.getKind()).isEqualTo(Span.Kind.CONSUMER);
			assertThat(delivery.getTags()).containsEntry(DelayQueueObservations.LANE, "local")
				.containsEntry(DelayQueueObservations.OUTCOME, "success")
				.containsEntry(DelayQueueObservations.ATTEMPT, "1");
		});
	}

	@Test
	void aFailedDeliveryIsAnErrorSpanAndTheRetryStaysInTheTrace() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			Span request = this.tracer.nextSpan().name("POST /orders").start();
			try (Tracer.SpanInScope scope = this.tracer.withSpan(request)) {
				queue.schedule(JobRequest.builder("flaky", "order-2").delay(Duration.ZERO).build());
			}
			request.end();
			Handler handler = context.getBean(Handler.class);
			Seen first = handler.seen.poll(10, TimeUnit.SECONDS);
			Seen second = handler.seen.poll(10, TimeUnit.SECONDS);
			assertThat(first.traceId()).isEqualTo(request.context().traceId());
			assertThat(second.traceId()).isEqualTo(request.context().traceId());
			List<FinishedSpan> spans = await().atMost(Duration.ofSeconds(5))
				.until(this::finishedSpans, (all) -> all.stream()
					.filter((span) -> "deliver flaky".equals(span.getName()))
					.count() == 2);
			assertThat(spans).filteredOn((span) -> "deliver flaky".equals(span.getName()))
				.extracting((span) -> span.getTags().get(DelayQueueObservations.OUTCOME))
				.containsExactlyInAnyOrder("retry", "success");
			assertThat(spans).filteredOn((span) -> "retry".equals(span.getTags().get(DelayQueueObservations.OUTCOME)))
				.singleElement()
				.satisfies((span) -> assertThat(span.getError()).hasMessage("first attempt fails"));
		});
	}

	@Test
	void aCallbackRequestCarriesTheTraceOfTheRequestThatScheduledItsJob() {
		this.runner.run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			Span request = this.tracer.nextSpan().name("POST /orders").start();
			try (Tracer.SpanInScope scope = this.tracer.withSpan(request)) {
				queue.schedule(JobRequest.builder("hooked", "order-3")
					.delay(Duration.ofMillis(200))
					.callback(JobCallback.post(this.receiver.url("/hook")))
					.build());
			}
			request.end();
			Call call = await().atMost(Duration.ofSeconds(10))
				.until(() -> this.receiver.calls("/hook"), (calls) -> !calls.isEmpty())
				.get(0);
			String traceparent = call.header("traceparent");
			assertThat(traceparent).startsWith("00-" + request.context().traceId() + "-");
			List<FinishedSpan> spans = await().atMost(Duration.ofSeconds(5))
				.until(this::finishedSpans, (all) -> names(all).contains("deliver hooked"));
			FinishedSpan delivery = span(spans, "deliver hooked");
			assertThat(delivery.getTags()).containsEntry(DelayQueueObservations.LANE, "http");
			// the WebClient request is the delivery's child, and its span id is the one the receiver was sent
			FinishedSpan exchange = spans.stream()
				.filter((span) -> delivery.getSpanId().equals(span.getParentId()))
				.findFirst()
				.orElseThrow();
			assertThat(traceparent).contains("-" + exchange.getSpanId() + "-");
		});
	}

	@Test
	void withPropagationOffADeliveryStartsATraceOfItsOwnAndNothingIsStored() {
		this.runner.withPropertyValues("delayqueue.tracing.propagate=false").run((context) -> {
			DelayQueue queue = context.getBean(DelayQueue.class);
			Span request = this.tracer.nextSpan().name("POST /orders").start();
			try (Tracer.SpanInScope scope = this.tracer.withSpan(request)) {
				queue.schedule(JobRequest.builder("traced", "order-4").delay(Duration.ofMillis(500)).build());
			}
			request.end();
			StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
			assertThat(redis.opsForHash().hasKey(jobKey(redis, "order-4"), "trace")).isFalse();
			Seen seen = context.getBean(Handler.class).seen.poll(10, TimeUnit.SECONDS);
			assertThat(seen).isNotNull();
			assertThat(seen.traceId()).isNotEqualTo(request.context().traceId());
		});
	}

	@Test
	void anObservationHandlerThatThrowsNeverFailsASchedulingOrADelivery() {
		ObservationRegistry broken = ObservationRegistry.create();
		AtomicInteger thrown = new AtomicInteger();
		broken.observationConfig().observationHandler(new ObservationHandler<Observation.Context>() {

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}

			@Override
			public void onStart(Observation.Context context) {
				thrown.incrementAndGet();
				throw new IllegalStateException("broken handler: start");
			}

			@Override
			public void onScopeOpened(Observation.Context context) {
				throw new IllegalStateException("broken handler: scope");
			}

			@Override
			public void onStop(Observation.Context context) {
				throw new IllegalStateException("broken handler: stop");
			}

		});
		this.runner.withBean("brokenObservations", ObservationRegistry.class, () -> broken, (bean) -> bean.setPrimary(true))
			.run((context) -> {
				DelayQueue queue = context.getBean(DelayQueue.class);
				queue.schedule(JobRequest.builder("traced", "order-6").delay(Duration.ofMillis(100)).build());
				Seen seen = context.getBean(Handler.class).seen.poll(10, TimeUnit.SECONDS);
				assertThat(seen).isNotNull();
				assertThat(seen.jobId()).isEqualTo("order-6");
				await().atMost(Duration.ofSeconds(5)).until(() -> queue.get("traced", "order-6").isEmpty());
				assertThat(context.getBean(Handler.class).seen.poll(500, TimeUnit.MILLISECONDS)).isNull();
				// both the scheduling and the delivery observation met the broken handler
				assertThat(thrown).hasValueGreaterThanOrEqualTo(2);
			});
	}

	@Test
	void withoutAnObservationRegistryNothingIsStored() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(DataRedisAutoConfiguration.class, JacksonAutoConfiguration.class,
					DelayQueueAutoConfiguration.class))
			.withPropertyValues("spring.data.redis.port=" + TestRedis.port(),
					"delayqueue.redis.key-prefix=" + this.prefix, "delayqueue.worker.enabled=false")
			.run((context) -> {
				context.getBean(DelayQueue.class)
					.schedule(JobRequest.builder("traced", "order-5").delay(Duration.ofHours(1)).build());
				StringRedisTemplate redis = context.getBean(StringRedisTemplate.class);
				assertThat(redis.opsForHash().keys(jobKey(redis, "order-5"))).doesNotContain("trace");
			});
	}

	private List<FinishedSpan> finishedSpans() {
		return this.finished.stream().map(BraveFinishedSpan::fromBrave).toList();
	}

	private static List<String> names(List<FinishedSpan> spans) {
		return spans.stream().map(FinishedSpan::getName).toList();
	}

	private static FinishedSpan span(List<FinishedSpan> spans, String name) {
		return spans.stream().filter((span) -> name.equals(span.getName())).findFirst().orElseThrow();
	}

	private String jobKey(StringRedisTemplate redis, String id) {
		Set<String> keys = redis.keys(this.prefix + ":*job:" + id);
		assertThat(keys).hasSize(1);
		return keys.iterator().next();
	}

	record Seen(String jobId, String traceId, String spanId) {
	}

	static class Handler {

		final BlockingQueue<Seen> seen = new LinkedBlockingQueue<>();

		private final Tracer tracer;

		Handler(Tracer tracer) {
			this.tracer = tracer;
		}

		@DelayedJobHandler(topic = "traced")
		void traced(DelayedJob job) {
			record(job);
		}

		@DelayedJobHandler(topic = "flaky", maxAttempts = "2", initialInterval = "100ms")
		void flaky(DelayedJob job) {
			record(job);
			if (job.attempts() == 1) {
				throw new IllegalStateException("first attempt fails");
			}
		}

		private void record(DelayedJob job) {
			Span current = this.tracer.currentSpan();
			this.seen.add(new Seen(job.id(), (current != null) ? current.context().traceId() : "none",
					(current != null) ? current.context().spanId() : "none"));
		}

	}

}
