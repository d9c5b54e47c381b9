package dev.delayqueue.http;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.delayqueue.InvalidJobException;
import dev.delayqueue.JobCallback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The allow-list's rules, one URL at a time (no I/O).
 */
class HostAllowListTests {

	private static void allowed(HostAllowList list, String url) {
		assertThatCode(() -> list.check(JobCallback.post(url))).as(url).doesNotThrowAnyException();
	}

	private static void refused(HostAllowList list, String url, String reason) {
		assertThatExceptionOfType(InvalidJobException.class).as(url)
			.isThrownBy(() -> list.check(JobCallback.post(url)))
			.withMessageContaining(reason);
	}

	@Test
	void anEmptyListAllowsEveryHostButLinkLocalAndMetadata() {
		HostAllowList list = new HostAllowList(List.of());
		allowed(list, "http://example.com/x");
		allowed(list, "http://10.0.0.1:8080/x");
		allowed(list, "http://[::1]/x");
		refused(list, "http://169.254.169.254/latest/meta-data", "link-local or cloud metadata");
		refused(list, "http://169.254.1.1/", "link-local");
		refused(list, "http://[fe80::1]/", "link-local");
		refused(list, "http://[fd00:ec2::254]/", "metadata");
		refused(list, "http://100.100.100.200/", "metadata");
		refused(list, "http://metadata.google.internal/computeMetadata/v1/", "metadata");
		refused(list, "http://[::ffff:169.254.169.254]/", "link-local");
		refused(list, "http://169.254.169.254./", "must name a host");
		refused(list, "http://metadata.google.internal./", "metadata");
		refused(list, "http://2852039166/", "canonical IP address");
		refused(list, "http://0251.0376.0251.0376/", "must name a host");
		refused(list, "http://0xa9.0xfe.0xa9.0xfe/", "must name a host");
		refused(list, "http://169.254.169.0254/", "canonical IP address");
	}

	@Test
	void denyingPrivateNetworksRefusesLoopbackPrivateAndUniqueLocalUnlessListed() throws Exception {
		HostAllowList list = HostAllowList.denyingPrivateNetworks(List.of());
		assertThat(list.deniesPrivateNetworks()).isTrue();
		allowed(list, "https://example.com/x");
		allowed(list, "http://93.184.216.34/x");
		for (String url : List.of("http://127.0.0.1:6379/", "http://[::1]/x", "http://10.1.2.3/x", "http://172.20.0.1/x",
				"http://192.168.1.1/x", "http://100.64.0.1/x", "http://0.0.0.0/x", "http://[fd12::1]/x",
				"http://169.254.169.254/latest", "http://[64:ff9b::a00:5]/x", "http://[2002:a00:5::1]/x",
				"http://[::a00:5]/x")) {
			refused(list, url, "must not call a loopback, private, link-local or cloud metadata address");
		}
		// a name that resolves to a private address is refused when the callback connects
		assertThatExceptionOfType(HostAllowList.ForbiddenAddressException.class)
			.isThrownBy(() -> list.checkAddress("localhost", InetAddress.getByName("127.0.0.1")))
			.withMessageContaining("a loopback, private, link-local or cloud metadata address");
		HostAllowList listed = HostAllowList.denyingPrivateNetworks(List.of("*", "10.0.0.0/8", "hooks.internal"));
		allowed(listed, "http://10.1.2.3/x");
		allowed(listed, "http://hooks.internal/x");
		refused(listed, "http://192.168.1.1/x", "must not call a loopback, private");
		assertThatCode(() -> listed.checkAddress("hooks.internal", InetAddress.getByName("192.168.1.1")))
			.doesNotThrowAnyException();
		assertThatExceptionOfType(HostAllowList.ForbiddenAddressException.class)
			.isThrownBy(() -> listed.checkAddress("other.example.com", InetAddress.getByName("192.168.1.1")));
		assertThat(new HostAllowList(List.of()).deniesPrivateNetworks()).isFalse();
		allowed(new HostAllowList(List.of()), "http://127.0.0.1:6379/");
	}

	@Test
	void entriesAreHostsWildcardsAddressesAndRanges() {
		HostAllowList list = new HostAllowList(List.of("api.example.com", "*.hooks.example.org", "10.0.0.0/8", "::1"));
		allowed(list, "https://API.example.com/x");
		allowed(list, "https://a.hooks.example.org/x");
		allowed(list, "https://a.b.hooks.example.org/x");
		allowed(list, "http://10.20.30.40/x");
		allowed(list, "http://[::1]:9000/x");
		refused(list, "https://hooks.example.org/x", "not in delayqueue.http.allowed-hosts");
		refused(list, "https://evil-api.example.com/x", "not in");
		refused(list, "https://api.example.com.evil.net/x", "not in");
		refused(list, "http://11.0.0.1/x", "not in");
		refused(list, "http://127.0.0.1/x", "not in");
	}

	@Test
	void aStarAllowsEverythingExceptLinkLocalWhichMustBeNamedExplicitly() {
		refused(new HostAllowList(List.of("*")), "http://169.254.169.254/", "link-local");
		allowed(new HostAllowList(List.of("*", "169.254.169.254")), "http://169.254.169.254/");
		allowed(new HostAllowList(List.of("169.254.0.0/16")), "http://169.254.10.10/");
		allowed(new HostAllowList(List.of("metadata.google.internal")), "http://metadata.google.internal/");
	}

	@Test
	void addressesAreCheckedAgainWhenConnecting() throws Exception {
		HostAllowList list = new HostAllowList(List.of());
		assertThatExceptionOfType(HostAllowList.ForbiddenAddressException.class)
			.isThrownBy(() -> list.checkAddress("sneaky.example.com", InetAddress.getByName("169.254.169.254")))
			.withMessageContaining("resolved to 169.254.169.254");
		assertThatCode(() -> list.checkAddress("example.com", InetAddress.getByName("93.184.216.34")))
			.doesNotThrowAnyException();
	}

	@Test
	void malformedEntriesFailAtStartup() {
		assertThatIllegalArgumentException().isThrownBy(() -> new HostAllowList(List.of("10.0.0.0/99")));
		assertThatIllegalArgumentException().isThrownBy(() -> new HostAllowList(List.of("a*.example.com")))
			.withMessageContaining("delayqueue.http.allowed-hosts");
	}

	@Test
	void malformedCallbackUrlsAreRefusedWithTheRule() {
		for (String url : List.of("://x", "ftp://example.com/", "http://", "/relative", "http://user:pw@example.com/",
				"http://example.com/#frag", "http://exa mple.com/", "javascript:alert(1)", "")) {
			assertThatExceptionOfType(InvalidJobException.class).as(url)
				.isThrownBy(() -> JobCallback.parseUrl(url))
				.satisfies((ex) -> assertThat(ex.field()).isEqualTo("callback"));
		}
	}

}
