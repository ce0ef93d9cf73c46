/** @odoo-module **/
// Copyright 2026 Manufacturing Integration Suite contributors
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
//
// The dashboard's trends: messages per hour over the last 24 hours (received,
// done, failed attempts) and the p95 latency of each hour against the target.
// Odoo's own dashboard graph (the journal/work center/picking type kanban
// graphs) with one small Chart.js chart per series; the figures and their
// human-readable texts come from the server (mfg_connector_dashboard.py).

import {cookie} from "@web/core/browser/cookie";
import {getColor, hexToRGBA} from "@web/core/colors/colors";
import {_t} from "@web/core/l10n/translation";
import {registry} from "@web/core/registry";
import {JournalDashboardGraphField} from "@web/views/fields/journal_dashboard_graph/journal_dashboard_graph_field";
import {useRef} from "@odoo/owl";

export class MfgTrendGraphField extends JournalDashboardGraphField {
  static template = "mfg_integration_base.TrendGraphField";

  setup() {
    super.setup();
    this.rootRef = useRef("root");
  }

  get series() {
    const value = this.props.record.data[this.props.name];
    return value ? JSON.parse(value).series : [];
  }

  renderChart() {
    if (this.chart) {
      this.chart.destroy();
    }
    const canvases = this.rootRef.el.querySelectorAll("canvas");
    const charts = this.series.map(
      (series, index) => new Chart(canvases[index], this.getTrendConfig(series))
    );
    // The parent destroys this.chart when the field goes away.
    this.chart = {destroy: () => charts.forEach((chart) => chart.destroy())};
  }

  getTrendConfig(series) {
    const scheme = cookie.get("color_scheme");
    // Odoo's small chart palette: blue, red, teal, orange.
    const received = getColor(0, scheme, "sm");
    const failed = getColor(1, scheme, "sm");
    const done = getColor(2, scheme, "sm");
    const latency = getColor(3, scheme, "sm");
    const datasets = [
      {
        type: "line",
        label: _t("Received"),
        data: series.received,
        borderColor: received,
        backgroundColor: hexToRGBA(received, 0.15),
        fill: "start",
        borderWidth: 1.5,
        pointRadius: 0,
        yAxisID: "y",
        // Drawn first: done (most of what was received) shows over it.
        order: 4,
      },
      {
        type: "line",
        label: _t("Done"),
        data: series.done,
        borderColor: done,
        borderWidth: 2,
        pointRadius: 0,
        yAxisID: "y",
        order: 1,
      },
      {
        type: "bar",
        label: _t("Failed"),
        data: series.failed,
        backgroundColor: failed,
        yAxisID: "y",
        order: 0,
      },
      {
        type: "line",
        label: _t("p95 latency"),
        data: series.p95_ms,
        borderColor: latency,
        borderDash: [2, 2],
        borderWidth: 1.5,
        pointRadius: 1.5,
        spanGaps: true,
        yAxisID: "latency",
        order: 2,
      },
    ];
    if (series.target_ms) {
      datasets.push({
        type: "line",
        label: _t("Target"),
        data: series.labels.map(() => series.target_ms),
        borderColor: hexToRGBA(latency, 0.5),
        borderDash: [6, 4],
        borderWidth: 1,
        pointRadius: 0,
        yAxisID: "latency",
        order: 3,
      });
    }
    return {
      type: "bar",
      data: {labels: series.labels, datasets},
      options: {
        maintainAspectRatio: false,
        animation: false,
        interaction: {mode: "index", intersect: false},
        plugins: {
          legend: {
            display: true,
            position: "bottom",
            labels: {
              boxWidth: 6,
              boxHeight: 6,
              padding: 6,
              font: {size: 10},
              // In the datasets' order, not their drawing order.
              sort: (a, b) => a.datasetIndex - b.datasetIndex,
            },
          },
          tooltip: {
            caretSize: 0,
            callbacks: {
              // Latencies as people read them (ms, s, min).
              label: (ctx) => {
                if (ctx.dataset.yAxisID !== "latency") {
                  return `${ctx.dataset.label}: ${ctx.parsed.y}`;
                }
                const text =
                  ctx.datasetIndex === 3
                    ? series.p95_text[ctx.dataIndex]
                    : series.target_text;
                return `${ctx.dataset.label}: ${text}`;
              },
            },
          },
        },
        scales: {
          x: {display: false},
          y: {display: false, beginAtZero: true, suggestedMax: 1},
          // Logarithmic: 800 ms against a 60 s target stays readable.
          latency: {display: false, type: "logarithmic"},
        },
      },
    };
  }
}

export const mfgTrendGraphField = {
  component: MfgTrendGraphField,
  supportedTypes: ["text"],
  extractProps: () => ({graphType: "trend"}),
};

registry.category("fields").add("mfg_trend_graph", mfgTrendGraphField);
