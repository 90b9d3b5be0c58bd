// node build.js OUT TRACE... : plotly.js core with the named traces, one minified IIFE that sets
// window.Plotly. tools/build_plotly_bundle.py passes the trace list from dashboard/app/plotly_bundle.py.
'use strict';
const esbuild = require('esbuild');
const fs = require('fs');

const [out, ...traces] = process.argv.slice(2);
const version = require('plotly.js/package.json').version;
const entry = "var Plotly = require('plotly.js/lib/core');\n" +
    'Plotly.register([' + traces.map(t => `require('plotly.js/lib/${t}')`).join(', ') + ']);\n' +
    'module.exports = Plotly;\n';
// The only stylesheet plotly.js imports is maplibre's, for the tile map (scattermap), which this
// bundle leaves out: resolve it to nothing rather than inline 80 kB of unused CSS.
const noCss = {
    name: 'no-css',
    setup(b) {
        b.onResolve({filter: /\.css$/}, a => ({path: a.path, namespace: 'no-css'}));
        b.onLoad({filter: /.*/, namespace: 'no-css'}, () => ({contents: '', loader: 'js'}));
    },
};
esbuild.build({
    stdin: {contents: entry, resolveDir: __dirname, loader: 'js'},
    outfile: out,
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    plugins: [noCss],
    // As plotly.js's own esbuild-config.js.
    alias: {stream: 'stream-browserify'},
    define: {global: 'window', 'define.amd': 'false', 'process.env.NODE_DEBUG': 'false'},
    target: 'es2016',
    legalComments: 'eof',
    banner: {js: `/* conflictmap plotly.js bundle: plotly.js v${version}; traces ${traces.join(',')} */`},
    logLevel: 'warning',
}).then(() => fs.statSync(out)).catch(() => process.exit(1));
