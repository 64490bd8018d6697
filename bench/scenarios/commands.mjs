// Scenario 2 — command round trip: C concurrent callers each POST a synchronous sendCommand to their own simulated
// device, which answers at once; the call returns when the reply is back. Baseline: the same request/response as
// plain MQTT through Mosquitto (a caller client publishes the request and waits for the reply), with the same
// responding device processes.
import {
  ADMIN_KEY,
  cpuSeconds,
  log,
  percentiles,
  publicRow,
  provisionDevices,
  ratio,
  round,
  startGateway,
  startLoad,
  startMosquitto,
} from '../lib/common.mjs';

async function measure(label, target, devices, concurrency, caller, opts) {
  const deviceIds = devices.slice(0, concurrency).map((d) => d.id);
  const responders = await startLoad([
    { task: 'respond', url: target.mqttUrl, devices: devices.slice(0, concurrency) },
  ]);
  let callers;
  try {
    callers = await startLoad([{ ...caller, deviceIds, concurrency, durationMs: opts.durationMs }]);
    responders.go();
    const cpu0 = cpuSeconds(target.pid);
    callers.go();
    const [r] = await callers.results();
    const cpu = cpuSeconds(target.pid) - cpu0;
    responders.stop();
    const [resp] = await responders.results();
    const { p50, p99 } = percentiles([r.latencies]);
    return {
      target: label,
      callers: concurrency,
      'commands/s': round(r.ok / r.elapsed),
      ok: r.ok,
      failed: r.failed,
      'p50 ms': p50,
      'p99 ms': p99,
      'CPU-ms/command': round((cpu / r.ok) * 1000, 2),
      'loadgen CPU-s': round(r.cpu + resp.cpu, 1),
      _statuses: r.statuses,
    };
  } finally {
    callers?.kill();
    responders.kill();
  }
}

export async function commands(opts) {
  const max = Math.max(...opts.concurrency);
  const rows = [];
  // a slow answer on a loaded machine is measured, not failed: callers wait up to 30 s (default 10 s)
  const gw = await startGateway({ env: { COMMAND_TIMEOUT_MS: '30000' } });
  let creds;
  try {
    log(`provisioning ${max} devices`);
    creds = await provisionDevices(gw.baseUrl, max, 'cmd');
    for (const c of opts.concurrency) {
      log(`gateway, ${c} callers`);
      rows.push(
        await measure(
          'gateway (REST → MQTT → REST)',
          gw,
          creds,
          c,
          { task: 'httpCommands', baseUrl: gw.baseUrl, apiKey: ADMIN_KEY },
          opts,
        ),
      );
    }
  } finally {
    await gw.stop();
  }
  const mosq = await startMosquitto();
  try {
    for (const c of opts.concurrency) {
      log(`Mosquitto, ${c} callers`);
      rows.push(
        await measure(
          'Mosquitto (MQTT request/reply)',
          mosq,
          creds,
          c,
          { task: 'mqttCommands', url: mosq.mqttUrl },
          opts,
        ),
      );
    }
  } finally {
    await mosq.stop();
  }
  const ratios = opts.concurrency.map((c) => {
    const g = rows.find((r) => r.callers === c && r.target.startsWith('gateway'));
    const m = rows.find((r) => r.callers === c && r.target.startsWith('Mosquitto'));
    return `${c} callers: gateway commands/s vs Mosquitto ${ratio(g['commands/s'], m['commands/s'])}, p50 ${g['p50 ms']} vs ${m['p50 ms']} ms`;
  });
  return {
    title: `2. Command round trip — synchronous sendCommand, device answers at once, ${opts.durationMs / 1000} s per row`,
    rows: rows.map(publicRow),
    ratios,
    notes:
      'CPU-ms/command: CPU milliseconds of the system under test per completed command (the gateway stores each command, ' +
      'its transitions and its outcome event; Mosquitto only forwards two messages). Loadgen: callers + devices. ' +
      'The gateway runs with COMMAND_TIMEOUT_MS=30000 (runs before 29 Nov 09:30 UTC: the default 10 s; none timed out).',
    failed: rows.some((r) => r.failed > 0 || r.ok === 0),
  };
}
