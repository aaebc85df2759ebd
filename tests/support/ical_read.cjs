// Reads an iCalendar file with ical.js (the parser of many web calendars) and prints
// each event's summary, start and end in UTC, and its alarms' triggers, as JSON; the
// calendar tests compare them with what backplan meant (tests/render/test_calendar.py).
// Run as: NODE_PATH=<folder holding node_modules/ical.js> node ical_read.cjs FILE.ics
const ICAL = require('ical.js');
const fs = require('fs');
const text = fs.readFileSync(process.argv[2], 'utf8');
const comp = new ICAL.Component(ICAL.parse(text));
for (const tz of comp.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
const out = comp.getAllSubcomponents('vevent').map(v => {
  const e = new ICAL.Event(v);
  return {summary: e.summary, start: e.startDate.toJSDate().toISOString(), end: e.endDate.toJSDate().toISOString(),
          alarms: v.getAllSubcomponents('valarm').map(a => a.getFirstPropertyValue('trigger').toString())};
});
console.log(JSON.stringify(out));
