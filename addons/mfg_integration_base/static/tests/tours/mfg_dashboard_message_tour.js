/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// An operator opens the connectors' dashboard, reads a card's latency in
// seconds and sees its trend graph drawn, opens the connector and its flows'
// graphs, then the connector's messages and a message whose receiver failed
// once: its timeline says when and with which HTTP status, and its payload is
// shown indented. The test (tests/test_tours.py) prepares the messages.

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("mfg_dashboard_and_message", {
  steps: () => [
    {
      content: "The dashboard shows the connector's card",
      trigger: '.o_kanban_record:contains("Tour operations connector")',
    },
    {
      content: "Its latency is written with a unit, against the target",
      trigger:
        '.o_kanban_record:contains("Tour operations connector"):contains("p95 latency")' +
        ':contains("(target 60 s)")',
    },
    {
      content: "The card's trend graph is drawn (Chart.js sized its canvas)",
      trigger:
        '.o_kanban_record:contains("Tour operations connector") ' +
        '.o_field_widget[name="trend_graph"] .o_mfg_trend_graph canvas[style*="height"]',
    },
    {
      content: "Open the connector",
      trigger: '.o_kanban_record:contains("Tour operations connector") .fw-bold',
      run: "click",
    },
    {
      content: "Its health and trends",
      trigger: '.o_notebook a:contains("Health")',
      run: "click",
    },
    {
      content: "One graph per flow, titled with the flow, latency with its unit",
      trigger:
        '.o_field_widget[name="flow_trend_graph"] .o_mfg_trend_graph_series' +
        ':contains("generic.record.changed (outbound)"):contains("(target 60 s)")' +
        ' canvas[style*="height"]',
    },
    {
      content: "Open the connector's messages",
      trigger: '.o_form_view button[name="action_open_messages"]',
      run: "click",
    },
    {
      content: "Open the outbound message that was refused once (the newest)",
      trigger: '.o_data_row:contains("generic.record.changed") td[name="flow_code"]',
      run: "click",
    },
    {
      content: "Read its timeline",
      trigger: '.o_notebook a:contains("Timeline")',
      run: "click",
    },
    {
      content: "The failed attempt with its HTTP status",
      trigger: '.o_field_widget[name="timeline_html"]:contains("HTTP 503")',
    },
    {
      content: "Open the canonical payload",
      trigger: '.o_notebook a:contains("Canonical payload")',
      run: "click",
    },
    {
      content: "It is shown formatted, line by line, in a foldable editor",
      trigger:
        '.o_field_widget[name="payload_canonical_pretty"] .ace_line:contains(values)',
    },
  ],
});
