/** @odoo-module **/
// License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
// A planner opens the integration exception on a manufacturing order, reads
// why the shop-floor event failed (a lot Odoo does not know), creates the lot,
// replays the message from its form, and sees the activity closed on the MO.
// The test (mes_connector/tests/test_tour_planner.py) opens the MO form.

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("mfg_exception_fix_and_replay", {
  steps: () => [
    {
      content: "The MO carries an integration exception",
      trigger: '.o-mail-Activity:contains("mes.material.consumed failed (validation)")',
    },
    {
      content: "Open its details",
      trigger: ".o-mail-Activity .fa-info-circle",
      run: "click",
    },
    {
      content: "The reason: the MES named a lot Odoo does not have",
      trigger: '.o-mail-Activity-note:contains("Lot BOARD-9 of")',
    },
    {
      content: "Go and create that lot",
      trigger: ".o-mail-Activity-note",
      run() {
        window.location.href = "/odoo/action-stock.action_production_lot_form/new";
      },
    },
    {
      content: "Lot number",
      trigger: '.o_field_widget[name="name"] input',
      run: "edit BOARD-9",
    },
    {
      content: "Its product",
      trigger: '.o_field_widget[name="product_id"] input',
      run: "edit MES Board",
    },
    {
      trigger: '.o-autocomplete--dropdown-item:contains("MES Board")',
      run: "click",
    },
    ...stepUtils.saveForm(),
    {
      content: "Open the failed integration messages",
      trigger: ".o_form_view",
      run() {
        window.location.href =
          "/odoo/action-mfg_integration_base.mfg_sync_message_action";
      },
    },
    {
      content: "Open the failed MES event",
      trigger:
        '.o_data_row:contains("mes.material.consumed"):contains("Failed") td[name="flow_code"]',
      run: "click",
    },
    {
      content: "Replay it",
      trigger: 'button[name="action_replay"]',
      run: "click",
    },
    {
      content: "It is done now",
      trigger: '.o_statusbar_status button.o_arrow_button_current:contains("Done")',
    },
    {
      content: "Back to the MO",
      trigger: 'button[name="action_open_record"]',
      run: "click",
    },
    {
      content: "The exception activity is closed",
      trigger: '.o-mail-Message:contains("was processed")',
    },
    {
      trigger: ".o-mail-Chatter:not(:has(.o-mail-Activity))",
    },
  ],
});
