package dev.delayqueue.samples.server;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import dev.delayqueue.DelayQueue;
import dev.delayqueue.JobState;
import dev.delayqueue.dashboard.DashboardRecorder;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in a real browser: Debian's headless Chromium driven through chromedriver, against this server with a
 * real Redis and a real callback receiver. The page shows the real counts, a job body holding markup shows as text,
 * a redrive click delivers the dead job, and a request without credentials gets 401. Leaves a screenshot of the page
 * in {@code target/dashboard.png} (and at {@code -Ddashboard.screenshot=<file>}, which is how the README's picture is
 * made: {@code ./mvnw -pl samples/delayqueue-server test -Dtest=DashboardBrowserTests
 * -Ddashboard.screenshot=$PWD/docs/images/dashboard.png}). Skipped where {@code /usr/bin/chromium} or
 * {@code /usr/bin/chromedriver} is missing ({@code .ci/run} installs both).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "delayqueue.dashboard.password=" + DashboardBrowserTests.PASSWORD,
				"delayqueue.redis.key-prefix=dashboard-browser" })
class DashboardBrowserTests {

	static final String PASSWORD = "browser-test-password";

	private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

	private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

	private static final List<String> received = new CopyOnWriteArrayList<>();

	private static final AtomicInteger flakyCalls = new AtomicInteger();

	private static HttpServer receiver;

	private final HttpClient http = HttpClient.newHttpClient();

	@LocalServerPort
	int port;

	@Autowired
	DelayQueue queue;

	@Autowired
	DashboardRecorder recorder;

	@TempDir
	Path profile;

	private WebDriver browser;

	@BeforeAll
	static void startReceiver() throws IOException {
		receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
		receiver.createContext("/", (exchange) -> {
			String path = exchange.getRequestURI().getPath();
			exchange.getRequestBody().readAllBytes();
			received.add(path);
			// the flaky receiver fails its first call and answers every later one
			boolean fail = path.equals("/flaky") && flakyCalls.incrementAndGet() == 1;
			byte[] answer = (fail ? "down" : "ok").getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(fail ? 500 : 200, answer.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(answer);
			}
		});
		receiver.start();
	}

	@AfterAll
	static void stopReceiver() {
		receiver.stop(0);
	}

	@BeforeEach
	void startBrowser() {
		assumeThat(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER))
			.as("Debian's chromium and chromium-driver (.ci/run installs them)")
			.isTrue();
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM.toFile());
		// the flags that keep Chromium from reaching out to a network this machine does not have
		options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
				"--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
				"--disable-sync", "--window-size=1400,1250", "--user-data-dir=" + this.profile);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
			.build();
		this.browser = new ChromeDriver(service, options);
	}

	@AfterEach
	void stopBrowser() {
		if (this.browser != null) {
			this.browser.quit();
		}
	}

	@Test
	void thePageShowsRealCountsMarkupAsTextAndARedriveDeliversTheDeadJob() throws Exception {
		String receiverUrl = "http://127.0.0.1:" + receiver.getAddress().getPort();
		for (int i = 1; i <= 3; i++) {
			post("{\"topic\":\"order\",\"id\":\"cancel-" + i + "\",\"delay\":1800,\"callback\":\"" + receiverUrl
					+ "/orders\",\"body\":{\"order\":" + i + "}}");
		}
		for (int i = 1; i <= 40; i++) {
			post("{\"topic\":\"product\",\"id\":\"publish-" + i + "\",\"delay\":0,\"callback\":\"" + receiverUrl
					+ "/products\",\"body\":{\"product\":" + i + "}}");
		}
		String markup = "<img src=x onerror=alert(1)>";
		post("{\"topic\":\"groupbuy\",\"id\":\"close-9\",\"delay\":0,\"max_attempts\":1,\"callback\":\"" + receiverUrl
				+ "/flaky\",\"body\":{\"note\":\"" + markup + "\"}}");
		await().atMost(Duration.ofSeconds(15)).until(() -> this.queue.get("groupbuy", "close-9")
			.map((job) -> job.state() == JobState.DEAD)
			.orElse(false));
		await().atMost(Duration.ofSeconds(15)).until(() -> this.queue.stats("product").pending() == 0);
		this.recorder.flush();

		this.browser.get("http://admin:" + PASSWORD + "@localhost:" + this.port + "/delayqueue");
		WebDriverWait wait = new WebDriverWait(this.browser, Duration.ofSeconds(15));
		WebElement order = wait.until(ExpectedConditions.presenceOfElementLocated(
				By.cssSelector("#topics tr[data-topic='order']")));
		assertThat(order.findElement(By.cssSelector("td.pending")).getText()).isEqualTo("3");
		WebElement groupbuy = this.browser.findElement(By.cssSelector("#topics tr[data-topic='groupbuy']"));
		assertThat(groupbuy.findElement(By.cssSelector("td.dead")).getText()).isEqualTo("1");
		assertThat(this.browser.findElements(By.cssSelector("#chart rect.bar"))).hasSize(60);
		assertThat(this.browser.findElement(By.id("instances")).getText()).contains(String.valueOf(ProcessHandle.current().pid()));

		groupbuy.findElement(By.tagName("button")).click();
		WebElement dead = wait.until(ExpectedConditions.presenceOfElementLocated(
				By.cssSelector("#dead tr[data-id='close-9']")));
		// /job stores the envelope its callback receives; the markup in it is shown as the characters it is
		assertThat(dead.findElement(By.cssSelector("pre.body")).getText()).contains("\"note\":\"" + markup + "\"");
		assertThat(dead.getText()).contains("500");
		assertThat(this.browser.findElements(By.cssSelector("main img"))).as("markup in a body is never rendered")
			.isEmpty();
		assertThatExceptionOfType(NoAlertPresentException.class).isThrownBy(() -> this.browser.switchTo().alert());
		screenshot();

		dead.findElement(By.xpath(".//button[text()='Redrive']")).click();
		wait.until(ExpectedConditions.alertIsPresent()).accept();
		await().atMost(Duration.ofSeconds(15)).until(() -> this.queue.get("groupbuy", "close-9").isEmpty());
		assertThat(received.stream().filter("/flaky"::equals)).hasSize(2);
		wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"), "Redriven: 1"));
	}

	@Test
	void aRequestWithoutCredentialsGets401() throws Exception {
		HttpResponse<String> page = this.http.send(HttpRequest.newBuilder(
				URI.create("http://localhost:" + this.port + "/delayqueue")).build(), HttpResponse.BodyHandlers.ofString());
		assertThat(page.statusCode()).isEqualTo(401);
		assertThat(page.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
				(value) -> assertThat(value).startsWith("Basic"));
	}

	private void post(String job) throws Exception {
		HttpResponse<String> response = this.http.send(HttpRequest.newBuilder(
				URI.create("http://localhost:" + this.port + "/job"))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(job))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
	}

	private void screenshot() throws IOException {
		File shot = ((ChromeDriver) this.browser).getScreenshotAs(OutputType.FILE);
		Path target = Path.of("target", "dashboard.png");
		Files.createDirectories(target.getParent());
		Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
		String wanted = System.getProperty("dashboard.screenshot");
		if (wanted != null && !wanted.isEmpty()) {
			Files.copy(shot.toPath(), Path.of(wanted), StandardCopyOption.REPLACE_EXISTING);
		}
	}

}
