// rectify through node-postgres (npm package pg), as a Node.js service would
// use it.  pg sends bound parameters untyped, so the server infers each
// type from where it is used.  Run by test/t/060_client_drivers.pl after
// npm ci:  node client_casts.js HOST PORT DB
// One line per check, "PASS name" or "FAIL name: why"; exit 1 on a failure.
'use strict';
const { Client } = require('pg');

const [host, port, database] = process.argv.slice(2);
let failures = 0;

function check(name, ok, why) {
  if (ok) console.log('PASS ' + name);
  else { console.log('FAIL ' + name + ': ' + why); failures++; }
}

async function attempt(name, body) {
  try { await body(); } catch (e) { check(name, false, e.code + ' ' + e.message); }
}

// a statement refused with this SQLSTATE, a message quoting the value and a hint
async function refused(name, c, sql, params, state, value) {
  try {
    await c.query(sql, params);
    check(name, false, 'accepted ' + value);
  } catch (e) {
    check(name, e.code === state && e.message.includes('"' + value + '"') && !!e.hint,
          e.code + ' ' + e.message);
  }
}

async function connect(user) {
  const c = new Client({ host, port: Number(port), database, user, password: '' });
  await c.connect();
  return c;
}

async function main() {
  const code = 'N-1', region = '130600', moved = '130602';
  const deadline = '2024年12月31日', extended = '2025年6月30日';
  const assigned = '2024-06-01', year = 2023;

  // ---- the administrator ---------------------------------------------
  const adm = await connect('cd_adam');
  await attempt('register_item', async () => {
    const r = await adm.query('SELECT rectify.register_item($1, $2, $3, $4, $5, $6) AS id',
                              [code, region, '露天煤场扬尘', deadline, assigned, 'air']);
    check('register_item', Number(r.rows[0].id) > 0, 'returned ' + r.rows[0].id);
  });
  await attempt('assign_unit', async () => {
    await adm.query("SELECT rectify.assign_unit(rectify.item($1), $2, 'primary', $3)",
                    [code, '保定市生态环境局', assigned]);
    check('assign_unit', true);
  });
  await attempt('update_region', async () => {
    const r = await adm.query('UPDATE rectify.items SET region = $1 WHERE code = $2', [moved, code]);
    check('update_region', r.rowCount === 1, r.rowCount + ' rows');
  });
  await attempt('extend_deadline', async () => {
    const r = await adm.query('SELECT rectify.extend_deadline(rectify.item($1), $2, $3, $4, $5)::text AS due',
                              [code, extended, '省督察办', '汛期停工', '2024-09-01']);
    const s = await adm.query('SELECT due_date::text AS due FROM rectify.items WHERE code = $1 AND deadline = $2',
                              [code, extended]);
    check('extend_deadline', s.rows.length === 1 && r.rows[0].due === s.rows[0].due,
          'returned ' + r.rows[0].due + ', stored ' + JSON.stringify(s.rows));
  });
  await attempt('insert_emission', async () => {
    const ins = 'INSERT INTO rectify.base_emissions (region, year, amount) VALUES ($1, $2, $3)';
    await adm.query(ins, [region, year, '1.5万吨 SO2']);
    await adm.query(ins, [region, year, '氨氮 1.2吨']);
    const u = await adm.query(
      "UPDATE rectify.base_emissions SET amount = $1 WHERE region = $2 AND year = $3 AND pollutant = 'SO2'",
      ['15500 t SO2', region, year]);
    const q = await adm.query(
      'SELECT count(*)::int AS n FROM rectify.base_emissions WHERE region = $1 AND year = $2 AND amount IN ($3, $4)',
      [region, year, '15500 t SO2', '氨氮 1.2吨']);
    check('insert_emission', u.rowCount === 1 && q.rows[0].n === 2, 'updated ' + u.rowCount + ', found ' + q.rows[0].n);
  });
  await attempt('find_by_region', async () => {
    const r = await adm.query('SELECT code FROM rectify.items WHERE region <@ $1 AND deadline > $2 AND code = $3',
                              [region, deadline, code]);
    check('find_by_region', r.rows.length === 1 && r.rows[0].code === code, 'not found');
  });
  await refused('bad_region', adm, 'SELECT rectify.register_item($1, $2, $3, $4, $5)',
                ['N-9', '990600', '噪声', deadline, assigned], '22023', '990600');
  await refused('bad_region_syntax', adm, 'UPDATE rectify.items SET region = $1 WHERE code = $2',
                ['1306x0', code], '22P02', '1306x0');
  await refused('bad_deadline', adm, "SELECT rectify.extend_deadline(rectify.item($1), $2, 'x', 'y', $3)",
                [code, '2025年13月1日', '2024-09-02'], '22007', '2025年13月1日');
  await refused('bad_emission', adm, 'INSERT INTO rectify.base_emissions (region, year, amount) VALUES ($1, $2, $3)',
                [region, year + 10, '12.5 t XYZ'], '22P02', '12.5 t XYZ');
  await adm.end();

  // ---- the officer ---------------------------------------------------
  const off = await connect('cd_olga');
  const progress = '0.4';
  await attempt('report_progress', async () => {
    const r = await off.query('SELECT rectify.report_progress(rectify.item($1), $2, $3) AS p',
                              [code, progress, '2024-09-02']);
    check('report_progress', Number(r.rows[0].p) === Number(progress), 'returned ' + r.rows[0].p);
  });
  await attempt('read_ledger', async () => {
    const r = await off.query(
      'SELECT region::text AS region, deadline = $1 AS same, progress, extended FROM rectify.ledger($2) ' +
      'WHERE code = $3 AND region <@ $4', [extended, '2024-09-02', code, region]);
    const row = r.rows[0];
    check('read_ledger', !!row && row.region === moved && row.same === true &&
          Number(row.progress) === Number(progress) && row.extended === true, JSON.stringify(row));
  });
  await attempt('own_table', async () => {
    await off.query('CREATE TEMP TABLE draft (code text, d rectify.deadline, r rectify.region, e rectify.emission)');
    await off.query('INSERT INTO draft VALUES ($1, $2, $3, $4)', ['D-1', '2024年底', '431100', '3.2万吨 COD']);
    await off.query('UPDATE draft SET d = $1, r = $2, e = $3 WHERE code = $4', ['15个工作日', '431127', '氨氮 0.8吨', 'D-1']);
    const r = await off.query('SELECT count(*)::int AS n FROM draft WHERE d = $1 AND r = $2 AND e = $3',
                              ['15个工作日', '431127', '氨氮 0.8吨']);
    check('own_table', r.rows[0].n === 1, 'found ' + r.rows[0].n);
    await refused('bad_deadline_insert', off, 'INSERT INTO draft VALUES ($1, $2, $3, $4)',
                  ['D-2', '2024年2月30日', '431100', '1 t COD'], '22007', '2024年2月30日');
  });
  await attempt('officer_no_rights', async () => {
    try {
      await off.query('UPDATE rectify.items SET region = $1 WHERE code = $2', [region, code]);
      check('officer_no_rights', false, 'an officer changed a region');
    } catch (e) {
      check('officer_no_rights', e.code === '42501', e.code + ' ' + e.message);
    }
  });
  await off.end();
}

main().then(() => process.exit(failures ? 1 : 0),
            (e) => { console.log('FAIL connection: ' + e.message); process.exit(1); });
