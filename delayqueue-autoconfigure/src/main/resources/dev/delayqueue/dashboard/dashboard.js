// The delayqueue dashboard. Everything read from the server is set as text (textContent), never as markup.
(function () {
  'use strict';

  var base = document.body.getAttribute('data-base');
  var csrf = [];
  var deadTopic = null;
  var SVG = 'http://www.w3.org/2000/svg';

  function api(path, options) {
    var url = new URL(base + '/api/' + path, window.location.origin);
    options = options || {};
    options.credentials = 'same-origin';
    options.headers = options.headers || {};
    options.headers.Accept = 'application/json';
    if (options.method === 'POST') {
      options.headers['Content-Type'] = 'application/json';
      csrf.forEach(function (c) { options.headers[c.header] = c.token; });
    }
    return fetch(url, options).then(function (response) {
      return response.text().then(function (text) {
        var body = null;
        try {
          body = text ? JSON.parse(text) : null;
        } catch (notJson) {
          // an answer from something in front of the dashboard (a login page, a proxy's error page)
          throw new Error('HTTP ' + response.status + ', not an answer of the dashboard (a login page or a proxy?)');
        }
        if (!response.ok) {
          var error = new Error((body && body.error) || ('HTTP ' + response.status));
          error.status = response.status;
          throw error;
        }
        return body;
      });
    });
  }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
    }
    if (className) {
      node.className = className;
    }
    return node;
  }

  function cell(row, text, className) {
    var td = el('td', text, className);
    row.appendChild(td);
    return td;
  }

  function button(label, action, className) {
    var b = el('button', label, className);
    b.type = 'button';
    b.addEventListener('click', action);
    return b;
  }

  function clear(node) {
    while (node.firstChild) {
      node.removeChild(node.firstChild);
    }
  }

  function number(n) {
    return Number(n).toLocaleString('en-US');
  }

  function plural(n, word) {
    return number(n) + ' ' + word + (n === 1 ? '' : 's');
  }

  function millis(ms) {
    if (ms === null || ms === undefined) {
      return '–';
    }
    if (ms < 0) {
      return '> 60 s';
    }
    return (ms < 1000 ? ms + ' ms' : (ms / 1000) + ' s');
  }

  function seconds(s) {
    if (!s) {
      return '0';
    }
    return s < 60 ? s.toFixed(1) + ' s' : Math.floor(s / 60) + ' min ' + Math.round(s % 60) + ' s';
  }

  function time(iso) {
    return iso ? new Date(iso).toLocaleString() : '–';
  }

  function say(text, isError) {
    var message = document.getElementById('message');
    message.textContent = text;
    message.className = isError ? 'error' : '';
    message.hidden = !text;
  }

  function renderTopics(topics) {
    var body = document.querySelector('#topics tbody');
    clear(body);
    if (topics.length === 0) {
      var empty = el('tr');
      var td = cell(empty, 'No jobs were ever scheduled.');
      td.colSpan = 9;
      body.appendChild(empty);
    }
    topics.forEach(function (t) {
      var row = el('tr', null, t.unserved ? 'unserved' : '');
      row.setAttribute('data-topic', t.topic);
      cell(row, t.topic);
      cell(row, number(t.pending), 'n pending');
      cell(row, number(t.inFlight), 'n inflight');
      cell(row, number(t.dead), 'n dead');
      cell(row, seconds(t.overdueSeconds), 'n' + (t.overdueSeconds > 0 ? ' warn' : ''));
      cell(row, number(t.deliveredLastHour), 'n');
      cell(row, millis(t.latenessP99Millis), 'n');
      cell(row, t.servedBy.join(', ') || '–');
      var actions = cell(row, null);
      actions.appendChild(button('Dead jobs', function () { openDead(t.topic); }));
      body.appendChild(row);
    });
  }

  function renderInstances(instances) {
    var body = document.querySelector('#instances tbody');
    clear(body);
    instances.forEach(function (i) {
      var row = el('tr');
      cell(row, i.id);
      cell(row, i.host);
      cell(row, i.pid, 'n');
      cell(row, i.topics.slice().sort().join(', ') || '–');
      cell(row, i.callbacks ? 'yes' : 'no');
      cell(row, time(i.startedAt));
      cell(row, time(i.heartbeatAt));
      body.appendChild(row);
    });
  }

  function svg(tag, attributes, text) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  // Bars: deliveries per minute, linear from 0. Line: lateness p99 on a log scale from 1 ms to 60 s.
  function renderChart(minutes) {
    var holder = document.getElementById('chart');
    // drawn at the width it is shown, so the labels keep their size
    var width = Math.max(480, holder.clientWidth || 960), height = 180, left = 48, right = 52, top = 8, bottom = 22;
    var plotWidth = width - left - right, plotHeight = height - top - bottom;
    var chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, role: 'img',
      'aria-label': 'deliveries per minute and lateness p99 over the last hour' });
    var max = Math.max(1, Math.max.apply(null, minutes.map(function (m) { return m.delivered; })));
    var step = plotWidth / minutes.length;
    [0, 0.5, 1].forEach(function (f) {
      var y = top + plotHeight * (1 - f);
      chart.appendChild(svg('line', { x1: left, x2: width - right, y1: y, y2: y, 'class': 'grid' }));
      chart.appendChild(svg('text', { x: left - 6, y: y + 3, 'text-anchor': 'end' }, number(Math.round(max * f))));
    });
    var logMin = 0, logMax = Math.log10(60000);
    function lateY(ms) {
      var v = ms < 0 ? 60000 : Math.max(1, ms);
      return top + plotHeight * (1 - (Math.log10(v) - logMin) / (logMax - logMin));
    }
    [[1, '1 ms'], [10, '10 ms'], [100, '100 ms'], [1000, '1 s'], [10000, '10 s']].forEach(function (tick) {
      chart.appendChild(svg('text', { x: width - right + 6, y: lateY(tick[0]) + 3 }, tick[1]));
    });
    var points = [];
    minutes.forEach(function (m, i) {
      var h = plotHeight * m.delivered / max;
      var x = left + i * step;
      var bar = svg('rect', { x: x + 1, y: top + plotHeight - h, width: Math.max(1, step - 2), height: h,
        'class': 'bar' });
      bar.appendChild(svg('title', {}, new Date(m.minute).toLocaleTimeString() + ': ' + number(m.delivered)
        + ' deliveries, p99 ' + millis(m.latenessP99Millis)));
      chart.appendChild(bar);
      if (m.latenessP99Millis !== null && m.latenessP99Millis !== undefined) {
        points.push((x + step / 2) + ',' + lateY(m.latenessP99Millis));
        chart.appendChild(svg('circle', { cx: x + step / 2, cy: lateY(m.latenessP99Millis), r: 2, 'class': 'dot' }));
      }
      if (i % 10 === 0) {
        chart.appendChild(svg('text', { x: x, y: height - 6 },
          new Date(m.minute).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })));
      }
    });
    if (points.length > 1) {
      chart.appendChild(svg('polyline', { points: points.join(' '), 'class': 'p99' }));
    }
    clear(holder);
    holder.appendChild(chart);
  }

  function refresh() {
    return api('overview').then(function (overview) {
      csrf = overview.csrf;
      renderTopics(overview.topics);
      renderInstances(overview.instances);
      renderChart(overview.minutes);
      document.getElementById('status').textContent = plural(overview.topics.length, 'topic') + ', '
        + plural(overview.instances.length, 'instance') + ' running; read ' + time(overview.now);
      if (deadTopic) {
        return loadDead();
      }
    }).catch(function (error) {
      document.getElementById('status').textContent = 'cannot read: ' + error.message;
    });
  }

  function openDead(topic) {
    deadTopic = topic;
    document.getElementById('dead-topic').textContent = topic;
    document.getElementById('dead-section').hidden = false;
    return loadDead();
  }

  function loadDead() {
    var topic = deadTopic;
    return api('dead?topic=' + encodeURIComponent(topic)).then(function (jobs) {
      if (topic !== deadTopic) {
        return;
      }
      var body = document.querySelector('#dead tbody');
      clear(body);
      if (jobs.length === 0) {
        var empty = el('tr');
        var td = cell(empty, 'No dead jobs.');
        td.colSpan = 6;
        body.appendChild(empty);
      }
      jobs.forEach(function (job) {
        var row = el('tr');
        row.setAttribute('data-id', job.id);
        cell(row, job.id);
        cell(row, job.attempts, 'n');
        cell(row, job.lastError || '–');
        cell(row, time(job.updatedAt));
        cell(row, null).appendChild(el('pre', job.body === null ? '–' : job.body, 'body'));
        var actions = cell(row, null);
        actions.appendChild(button('Redrive', function () { write('redrive', topic, job.id); }));
        actions.appendChild(document.createTextNode(' '));
        actions.appendChild(button('Purge', function () { write('purge', topic, job.id); }, 'danger'));
        body.appendChild(row);
      });
    });
  }

  function write(action, topic, id) {
    var what = id ? 'job "' + id + '" of topic "' + topic + '"' : 'every dead job of topic "' + topic + '"';
    var question = action === 'redrive' ? 'Deliver ' + what + ' again now?' : 'Delete ' + what + ' for good?';
    if (!window.confirm(question)) {
      return;
    }
    var target = id ? { topic: topic, id: id } : { topic: topic, all: true };
    api(action, { method: 'POST', body: JSON.stringify(target) }).then(function (answer) {
      var count = action === 'redrive' ? answer.redriven : answer.purged;
      say((action === 'redrive' ? 'Redriven: ' : 'Purged: ') + count + ' of ' + what + '.', false);
      return refresh();
    }).catch(function (error) {
      say('Could not ' + action + ' ' + what + ': ' + error.message, true);
    });
  }

  function lookup(event) {
    event.preventDefault();
    var topic = document.getElementById('lookup-topic').value;
    var id = document.getElementById('lookup-id').value;
    var list = document.getElementById('job');
    clear(list);
    api('job?topic=' + encodeURIComponent(topic) + '&id=' + encodeURIComponent(id)).then(function (job) {
      [['topic', job.topic], ['id', job.id], ['state', job.state], ['due', time(job.dueAt)],
        ['attempts', job.attempts + (job.maxAttempts ? ' of ' + job.maxAttempts : '')],
        ['created', time(job.createdAt)], ['updated', time(job.updatedAt)], ['last error', job.lastError || '–'],
        ['callback', job.callback || '– (local handler)']].forEach(function (pair) {
        list.appendChild(el('dt', pair[0]));
        list.appendChild(el('dd', pair[1]));
      });
      list.appendChild(el('dt', 'body'));
      var dd = el('dd');
      dd.appendChild(el('pre', job.body === null ? '–' : job.body));
      list.appendChild(dd);
    }).catch(function (error) {
      list.appendChild(el('dt', 'not found'));
      list.appendChild(el('dd', error.message));
    });
  }

  document.getElementById('lookup').addEventListener('submit', lookup);
  document.getElementById('redrive-all').addEventListener('click', function () { write('redrive', deadTopic); });
  document.getElementById('purge-all').addEventListener('click', function () { write('purge', deadTopic); });
  document.getElementById('close-dead').addEventListener('click', function () {
    deadTopic = null;
    document.getElementById('dead-section').hidden = true;
  });
  refresh();
  window.setInterval(refresh, 5000);
}());
