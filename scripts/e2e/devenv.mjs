// Start a real local atproto network (PLC, PDS, AppView, Bsync, Ozone) from
// @atproto/dev-env for the Bluesky end-to-end tests, bound to 127.0.0.1 only.
//
// Prints one line "READY {json}" with the service URLs and DIDs, then serves a tiny
// control API on 127.0.0.1:<control port> for the test suite:
//   POST /process          wait until the AppView and Ozone have indexed everything
//   GET  /reports?did=...  reports Ozone received about an account or its posts
//   POST /shutdown         stop every server and exit
// Environment: DB_POSTGRES_URL, REDIS_HOST (required by dev-env), E2E_SCHEMA.
import net from 'node:net'
import http from 'node:http'

// dev-env's servers call listen(port) without a host, i.e. on every interface.
const listen = net.Server.prototype.listen
net.Server.prototype.listen = function (...args) {
  if (typeof args[0] === 'number' && (args.length === 1 || typeof args[1] === 'function')) {
    args.splice(1, 0, '127.0.0.1')
  } else if (args[0] && typeof args[0] === 'object' && !args[0].path) {
    args[0] = { ...args[0], host: '127.0.0.1' }
  } else if (typeof args[0] === 'number' && ['0.0.0.0', '::', undefined].includes(args[1])) {
    args[1] = '127.0.0.1'
  }
  return listen.apply(this, args)
}

const { TestNetwork } = await import('@atproto/dev-env')

// Postgres schema names here may hold letters and _ only: spell the pid in letters.
const letters = String(process.pid).replace(/[0-9]/g, (d) => 'abcdefghij'[d])
const schema = process.env.E2E_SCHEMA || `modbot_ee_${letters}`
const network = await TestNetwork.create({ dbPostgresSchema: schema })
const modClient = network.ozone.getModClient()

async function processAll () {
  await network.processAll()
  await network.ozone.processAll()
}

async function reports (did) {
  const types = ['tools.ozone.moderation.defs#modEventReport']
  const out = await modClient.queryEvents({ types, limit: 100 })
  return out.events.filter((e) => !did || JSON.stringify(e.subject).includes(did))
}

let closing = false
async function shutdown (server) {
  if (closing) return
  closing = true
  server.close()
  await network.close()
  process.exit(0)
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://127.0.0.1')
  try {
    let body = { ok: true }
    if (req.method === 'POST' && url.pathname === '/process') await processAll()
    else if (req.method === 'GET' && url.pathname === '/reports') body = { reports: await reports(url.searchParams.get('did')) }
    else if (req.method === 'POST' && url.pathname === '/shutdown') {
      res.end(JSON.stringify(body))
      return shutdown(server)
    } else {
      res.statusCode = 404
      body = { error: 'not found' }
    }
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify(body))
  } catch (err) {
    res.statusCode = 500
    res.end(JSON.stringify({ error: String(err && err.stack || err) }))
  }
})
server.listen(0, '127.0.0.1', () => {
  console.log('READY ' + JSON.stringify({
    control: `http://127.0.0.1:${server.address().port}`,
    pds: network.pds.url.replace('localhost', '127.0.0.1'),
    appview: network.bsky.url,
    ozone: network.ozone.url,
    ozoneDid: network.ozone.ctx.cfg.service.did,
    plc: network.plc.url,
    schemas: ['bsync_', 'appview_', 'ozone_'].map((p) => p + schema),
  }))
})
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => shutdown(server))
