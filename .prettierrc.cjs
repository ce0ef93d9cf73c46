// prettier settings of OCA's 18.0 repositories; XML through @prettier/plugin-xml.
// require.resolve finds the plugin through NODE_PATH, which pre-commit points at the
// node environment where it installed prettier and the plugin.
/** @type {import('prettier').Config} */
const config = {
  plugins: [require.resolve("@prettier/plugin-xml")],
  bracketSpacing: false,
  printWidth: 88,
  proseWrap: "always",
  semi: true,
  trailingComma: "es5",
  // keep the whitespace of XML text nodes: in Odoo data files it is data
  xmlWhitespaceSensitivity: "preserve",
};

module.exports = config;
