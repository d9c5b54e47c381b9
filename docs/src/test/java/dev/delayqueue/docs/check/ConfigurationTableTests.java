package dev.delayqueue.docs.check;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigurationTableTests {

	@Test
	void readsTheNameAndDefaultOfPropertyRows() {
		MarkdownPage page = MarkdownPage.parse("docs/configuration.md", """
				# Configuration

				| property | default | description |
				| --- | --- | --- |
				| `delayqueue.enabled` | `true` | Whether delayqueue is enabled at all. |
				|`delayqueue.http.allowed-hosts`|| Hosts callbacks may go to, `a \\| b`. |
				| `delayqueue.http.signing-secret` | *(none)* | Secret. |
				| `delayqueue.topics.<topic>.lease` | | How long a claim lasts. |
				| `spring.data.redis.url` | | Not ours. |
				| `delayqueue.a` or `delayqueue.b` | | Not one name. |

				```markdown
				| `delayqueue.in-a-block` | `1` | skipped |
				```
				""");
		assertThat(ConfigurationTable.rows(page)).containsExactly(
				new ConfigurationRow("delayqueue.enabled", "true", 5),
				new ConfigurationRow("delayqueue.http.allowed-hosts", "", 6),
				new ConfigurationRow("delayqueue.http.signing-secret", "*(none)*", 7),
				new ConfigurationRow("delayqueue.topics.<topic>.lease", "", 8));
	}

}
