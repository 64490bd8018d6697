// Baseline of the REST list scenario of `npm run bench`: bare Fastify + pg answering the same two list requests
// with the same SQL as the gateway (offset: COUNT + page; cursor: keyset page) and the same envelope — no auth,
// no rate limit, no validation, no logging. Prints "PORT <n>".
//   node bench/fastify-pg.mjs <postgres url> <schema>
import Fastify from 'fastify';
import pg from 'pg';

const [url, schema] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString: url, max: 10, options: `-c search_path="${schema}"` });
const COLUMNS = 'id, name, industry, status, contact_name, contact_phone, contact_email, tags, created_at, updated_at';
const view = (r) => ({
  id: r.id,
  name: r.name,
  industry: r.industry,
  status: r.status,
  contact: { name: r.contact_name, phone: r.contact_phone, email: r.contact_email },
  tags: JSON.parse(r.tags),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const app = Fastify();
app.get('/v1/customers', async (req) => {
  const { status, page, pageSize = '20', limit, cursor } = req.query;
  if (limit) {
    const n = Number(limit);
    const params = [status];
    let where = 'status = $1';
    if (cursor) {
      const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString());
      params.push(createdAt, id);
      where += ' AND (created_at < $2 OR (created_at = $2 AND id < $3))';
    }
    const { rows } = await pool.query(
      `SELECT ${COLUMNS} FROM customers WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ${n + 1}`,
      params,
    );
    const items = rows.slice(0, n).map(view);
    const last = items.at(-1);
    const next = rows.length > n ? Buffer.from(JSON.stringify([last.createdAt, last.id])).toString('base64url') : null;
    return { code: 0, message: 'success', data: { items }, cursor: { next, hasMore: next !== null } };
  }
  const size = Number(pageSize);
  const p = Number(page ?? 1);
  // one after the other, as the gateway does
  const count = await pool.query('SELECT COUNT(*)::int AS n FROM customers WHERE status = $1', [status]);
  const list = await pool.query(
    `SELECT ${COLUMNS} FROM customers WHERE status = $1 ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3`,
    [status, size, (p - 1) * size],
  );
  return {
    code: 0,
    message: 'success',
    data: {
      items: list.rows.map(view),
      pagination: { page: p, pageSize: size, total: count.rows[0].n, totalPages: Math.ceil(count.rows[0].n / size) },
    },
  };
});
await app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`PORT ${app.server.address().port}\n`);
process.on('SIGTERM', async () => {
  await app.close();
  await pool.end();
  process.exit(0);
});
