import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { Database } from '../../src/db/database';
import { createLogger } from '../../src/logger';
import { testNeo4jUri, uniqueNamespace } from '../support/service';
import { startServiceProcess, type ServiceProcess } from '../support/service-process';

/**
 * SIGTERM to the real process (`node dist/src/main.js`, as `npm start` runs it): it stops accepting connections,
 * finishes the request in flight, closes the Neo4j driver and exits 0. A request that never finishes is cut off
 * after SHUTDOWN_GRACE_MS.
 */
function startProcess(env: Record<string, string>): Promise<ServiceProcess> {
  return startServiceProcess({ NEO4J_URI: testNeo4jUri(), ...env });
}

/**
 * Sends the head of a POST and part of its body; the rest is sent by `finish`. Resolves the raw answer once the
 * server closes the connection (the client never half-closes: Node aborts requests whose client did).
 */
function partialRequest(port: number, body: string, sentBytes: number) {
  const socket = net.connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (chunk) => (received += chunk.toString()));
  const answer = new Promise<string>((resolve, reject) => {
    socket.on('close', () => resolve(received));
    socket.on('error', reject);
  });
  socket.write(
    `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: in-flight-1\r\n\r\n`,
  );
  socket.write(body.slice(0, sentBytes));
  return { answer, finish: () => socket.write(body.slice(sentBytes)) };
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(false)));
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

describe('graceful shutdown on SIGTERM', () => {
  const namespace = uniqueNamespace('shutdown');
  const children: ChildProcess[] = [];
  after(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    const db = Database.connect({ uri: testNeo4jUri(), user: 'neo4j', password: '', database: 'neo4j', transactionTimeoutMs: 10_000 }, createLogger('silent'));
    await db.write('cleanup', (tx) => tx.rows('MATCH (d:Dataset {namespace: $namespace}) DETACH DELETE d', { namespace }));
    await db.close();
  });

  it('finishes the request in flight, refuses new connections, closes the driver and exits 0', async () => {
    const service = await startProcess({});
    children.push(service.child);
    const body = JSON.stringify({ query: `mutation { registerDataset(input: {namespace: "${namespace}", name: "in-flight"}) { name } }` });
    const request = partialRequest(service.port, body, 20);
    await service.waitForLog((line) => line.reqId === 'in-flight-1' && line.msg === 'incoming request', 'for the request in flight');

    service.child.kill('SIGTERM');
    await service.waitForLog((line) => line.msg === 'shutting down' && line.reason === 'SIGTERM', "'shutting down'");
    const deadline = Date.now() + 30_000;
    while (!(await connectionRefused(service.port))) {
      assert.ok(Date.now() < deadline, 'new connections are still accepted 30 s after SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal(service.child.exitCode, null, 'the process waits for the request in flight');

    request.finish();
    const answer = await request.answer;
    assert.match(answer, /^HTTP\/1.1 200 /, answer);
    assert.match(answer, /\r\nconnection: close\r\n/i, 'the answer closes its keep-alive connection');
    assert.ok(answer.trimEnd().endsWith('{"data":{"registerDataset":{"name":"in-flight"}}}'), answer);

    assert.equal(await service.exited, 0);
    const messages = service.lines.map((line) => line.msg);
    const completed = service.lines.findIndex((line) => line.reqId === 'in-flight-1' && line.msg === 'request completed');
    const stopped = messages.indexOf('service stopped: requests finished, Neo4j driver closed');
    assert.ok(completed >= 0 && stopped > completed, `the driver closes after the request completed: ${JSON.stringify(messages)}`);

    const db = Database.connect({ uri: testNeo4jUri(), user: 'neo4j', password: '', database: 'neo4j', transactionTimeoutMs: 10_000 }, createLogger('silent'));
    const rows = await db.read('check', (tx) => tx.rows<{ name: string }>('MATCH (d:Dataset {namespace: $namespace}) RETURN d.name AS name', { namespace }));
    await db.close();
    assert.deepEqual(rows, [{ name: 'in-flight' }], 'the write of the request in flight was committed');
  });

  it('cuts off a request that does not finish within SHUTDOWN_GRACE_MS', async () => {
    const service = await startProcess({ SHUTDOWN_GRACE_MS: '500' });
    children.push(service.child);
    const request = partialRequest(service.port, JSON.stringify({ query: '{ __typename }' }), 5);
    await service.waitForLog((line) => line.reqId === 'in-flight-1' && line.msg === 'incoming request', 'for the request in flight');
    service.child.kill('SIGTERM');
    assert.equal(await service.exited, 0);
    assert.ok(service.lines.some((line) => line.msg === 'requests still in flight after the grace period: closing their connections'));
    assert.equal(await request.answer, '', 'the stuck request got its connection closed');
  });
});
