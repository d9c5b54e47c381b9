package dev.delayqueue.docs.check;

import org.junit.jupiter.api.Test;

import dev.delayqueue.docs.check.PropertyReference.Place;

import static org.assertj.core.api.Assertions.assertThat;

class PropertyReferencesTests {

	@Test
	void findsNamesInCodeSpansWithoutTheirValues() {
		MarkdownPage page = MarkdownPage.parse("page.md", """
				Set `delayqueue.web.enabled=true`, or `--delayqueue.worker.enabled=false`, or
				``delayqueue.redis.key-prefix: app``. Not `spring.data.redis.url` nor delayqueue.enabled.
				| `delayqueue.http.timeout` | `10s` |
				""");
		assertThat(PropertyReferences.find(page)).containsExactly(
				new PropertyReference("delayqueue.web.enabled", 1, Place.PROSE),
				new PropertyReference("delayqueue.worker.enabled", 1, Place.PROSE),
				new PropertyReference("delayqueue.redis.key-prefix", 2, Place.PROSE),
				new PropertyReference("delayqueue.http.timeout", 3, Place.PROSE));
	}

	@Test
	void findsTheKeysOfPropertiesBlocksOnly() {
		MarkdownPage page = MarkdownPage.parse("page.md", """
				```properties
				# delayqueue.in.a.comment=1
				delayqueue.topics[order.created].lease = 2m
				delayqueue.http.allowed-hosts=a.example.com,\\
				  delayqueue.not.a.key
				delayqueue.worker.batch-size: 50

				spring.data.redis.url=redis://localhost
				```

				```yaml
				delayqueue.in.yaml: 1
				```

				```java
				String name = "`delayqueue.in.java`";
				```
				""");
		assertThat(PropertyReferences.find(page)).containsExactly(
				new PropertyReference("delayqueue.topics[order.created].lease", 3, Place.PROPERTIES_BLOCK),
				new PropertyReference("delayqueue.http.allowed-hosts", 4, Place.PROPERTIES_BLOCK),
				new PropertyReference("delayqueue.worker.batch-size", 6, Place.PROPERTIES_BLOCK));
	}

	@Test
	void aParagraphThatSaysWrongIsSkipped() {
		MarkdownPage page = MarkdownPage.parse("page.md", """
				Writing `delayqueue.topics.order.created.lease` binds the
				wrong topic.

				| `delayqueue.a.b` | Wrong on purpose |
				| `delayqueue.c.d` | |

				Checked: `delayqueue.e.f`.
				""");
		assertThat(PropertyReferences.find(page)).extracting(PropertyReference::name)
			.containsExactly("delayqueue.c.d", "delayqueue.e.f");
	}

	@Test
	void inAPropertiesBlockAWrongExampleIsMarkedByItsCommentOrByTheParagraphAbove() {
		MarkdownPage page = MarkdownPage.parse("page.md", """
				```properties
				# wrong: the topic is "order"
				delayqueue.topics.order.created.lease=2m
				# right
				delayqueue.topics[order.created].lease=2m
				delayqueue.topics.order.max-attempts=3 # wrong too
				```

				The wrong way:

				```properties
				delayqueue.topics.order.created.lease=2m
				```
				""");
		assertThat(PropertyReferences.find(page)).extracting(PropertyReference::name)
			.containsExactly("delayqueue.topics[order.created].lease");
	}

}
