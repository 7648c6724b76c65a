#!/usr/bin/env node
// Serves HashiCorp's Consul API double (the templates of @hashicorp/consul-api-double, rendered by
// @hashicorp/api-double) on 127.0.0.1 and a port the OS picks, so parallel runs never collide.
// The same middleware as api-double's own bin/index.js, which can only listen on every interface.
// Prints "listening http://127.0.0.1:PORT" once ready. Env: HC_API_DOUBLE_SEED (faker seed,
// default 1); CONSUL_* variables (CONSUL_NODE_COUNT, CONSUL_LATENCY, ...) reach the templates,
// and so do cookies of the same names on each request.
'use strict';
const path = require('path');
const fs = require('fs');
const { promisify } = require('util');

const doubleDir = path.dirname(require.resolve('@hashicorp/api-double/package.json'));
const fromDouble = (name) => require(require.resolve(name, { paths: [doubleDir] }));
const templates = path.dirname(require.resolve('@hashicorp/consul-api-double/package.json'));

const seed = process.env.HC_API_DOUBLE_SEED || '1';
const controller = require('@hashicorp/api-double')(seed, templates, promisify(fs.readFile), process.env, path.resolve);
const app = fromDouble('express')();
app.use(require(path.join(doubleDir, 'lib', 'headers'))());
app.use(fromDouble('cookie-parser')());
app.use(fromDouble('body-parser').text({ type: '*/*' }));
app.use(controller().serve);

const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening http://127.0.0.1:${server.address().port}`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
