// One benchmark workload, run once, with the official JavaScript SDK (@linode/api-v4).
//
// Usage: node workload.js <w1|w2|w3|w4|w5> --url URL --token TOKEN [options]
//
// Prints one JSON line like the other peers: items, wall_s and cpu_s cover the workload only
// (not Node start-up or loading the SDK).
import { baseRequest, getLinode, getLinodes, setToken } from '@linode/api-v4';

const argv = process.argv.slice(2);
const workload = argv[0];
const opt = (name, fallback) => {
  const at = argv.indexOf(`--${name}`);
  return at >= 0 ? argv[at + 1] : fallback;
};
const url = opt('url').replace(/\/v4(beta)?\/?$/, '');
const token = opt('token');
const firstId = Number(opt('first-id', '40000000'));
const count = Number(opt('count', '2000'));
const inFlight = Number(opt('in-flight', '32'));
const pageSize = Number(opt('page-size', '500'));
const region = opt('region', 'us-east');
const labelContains = opt('label-contains', '00');

setToken(token);
// The SDK's functions use absolute production URLs; its documented extension point, an
// interceptor on the exported Axios instance, points them at the sandbox instead.
baseRequest.interceptors.request.use((config) => ({
  ...config,
  url: config.url.replace(/^https:\/\/api\.linode\.com/, url),
}));

// All pages of a list the way Linode's own Cloud Manager does it: the first page, then every
// other page at once.
async function getAll(filter) {
  const first = await getLinodes({ page: 1, page_size: pageSize }, filter);
  const rest = [];
  for (let page = 2; page <= first.pages; page++) {
    rest.push(getLinodes({ page, page_size: pageSize }, filter));
  }
  const pages = await Promise.all(rest);
  return first.data.concat(...pages.map((p) => p.data));
}

const ids = Array.from({ length: count }, (_, i) => firstId + i);

async function run() {
  switch (workload) {
    case 'w1':
      return (await getAll()).length;
    case 'w2': {
      let items = 0;
      for (const id of ids) {
        if ((await getLinode(id)).id === id) items++;
      }
      return items;
    }
    case 'w3': {
      let next = 0;
      let items = 0;
      const worker = async () => {
        while (next < ids.length) {
          const id = ids[next++];
          if ((await getLinode(id)).id === id) items++;
        }
      };
      await Promise.all(Array.from({ length: inFlight }, worker));
      return items;
    }
    case 'w4':
      return (
        await getAll({ '+and': [{ region }, { label: { '+contains': labelContains } }] })
      ).length;
    case 'w5': {
      // Item by item, one page in memory at a time.
      let items = 0;
      for (let page = 1, pages = 1; page <= pages; page++) {
        const got = await getLinodes({ page, page_size: pageSize });
        pages = got.pages;
        for (const linode of got.data) if (linode.label) items++;
      }
      return items;
    }
    default:
      throw new Error(`unknown workload ${workload}`);
  }
}

const wall0 = performance.now();
const cpu0 = process.cpuUsage();
const items = await run();
const cpu = process.cpuUsage(cpu0);
const wall = (performance.now() - wall0) / 1000;
console.log(
  JSON.stringify({
    peer: 'js',
    workload,
    items,
    bytes: 0,
    wall_s: wall,
    cpu_s: (cpu.user + cpu.system) / 1e6,
  }),
);
