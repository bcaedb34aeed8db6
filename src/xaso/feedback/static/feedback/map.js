/* Xã Số — feedback maps. Works without Leaflet or tiles: the pages stay usable as lists
   and forms; the map only adds a view of the points and a way to pick a location. */
(function () {
  "use strict";
  var OSM = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  var ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>';
  var VN = [16.0, 106.0];

  function base(el, center, zoom) {
    var map = window.L.map(el, { scrollWheelZoom: false }).setView(center, zoom);
    window.L.tileLayer(OSM, { maxZoom: 19, attribution: ATTRIBUTION }).addTo(map);
    return map;
  }

  function listMap(el) {
    var points = JSON.parse(document.getElementById("feedback-points").textContent || "[]");
    var map = base(el, VN, 6);
    var bounds = [];
    points.forEach(function (p) {
      var m = window.L.circleMarker([p.lat, p.long], {
        radius: 8, color: p.open ? "#b3261e" : "#1e7d32", fillOpacity: 0.7
      }).addTo(map);
      var a = document.createElement("a");
      a.href = el.dataset.detail + String(p.id) + "/";
      a.textContent = "#" + p.id + " " + p.title;
      m.bindPopup(a);
      bounds.push([p.lat, p.long]);
    });
    if (bounds.length) { map.fitBounds(bounds, { maxZoom: 16, padding: [20, 20] }); }
  }

  function pickMap(el) {
    var lat = document.getElementById("id_lat"), lng = document.getElementById("id_long");
    var shown = document.getElementById("picked");
    var map = base(el, VN, 6), marker = null;
    function set(latlng, zoom) {
      lat.value = latlng.lat.toFixed(6);
      lng.value = latlng.lng.toFixed(6);
      if (marker) { marker.setLatLng(latlng); } else { marker = window.L.marker(latlng).addTo(map); }
      if (zoom) { map.setView(latlng, 17); }
      shown.textContent = lat.value + ", " + lng.value;
    }
    map.on("click", function (e) { set(e.latlng, false); });
    if (lat.value && lng.value) { set(window.L.latLng(+lat.value, +lng.value), true); }
    else if (el.dataset.center) {
      var c = el.dataset.center.split(","); map.setView([+c[0], +c[1]], 14);
    }
    el.pickLocation = set;
  }

  function useMyLocation(button) {
    button.addEventListener("click", function () {
      var status = document.getElementById("picked");
      if (!navigator.geolocation) { status.textContent = button.dataset.unsupported; return; }
      navigator.geolocation.getCurrentPosition(function (pos) {
        var el = document.getElementById("pick-map");
        var latlng = { lat: pos.coords.latitude, lng: pos.coords.longitude };
        if (el && el.pickLocation && window.L) { el.pickLocation(window.L.latLng(latlng.lat, latlng.lng), true); }
        else {
          document.getElementById("id_lat").value = latlng.lat.toFixed(6);
          document.getElementById("id_long").value = latlng.lng.toFixed(6);
          status.textContent = latlng.lat.toFixed(6) + ", " + latlng.lng.toFixed(6);
        }
      }, function () { status.textContent = button.dataset.denied; }, { enableHighAccuracy: true, timeout: 10000 });
    });
  }

  function init() {
    var b = document.getElementById("use-my-location");
    if (b) { b.hidden = false; useMyLocation(b); }
    if (!window.L) { return; }
    var list = document.getElementById("list-map");
    if (list) { list.hidden = false; listMap(list); }
    var pick = document.getElementById("pick-map");
    if (pick) { pick.hidden = false; pickMap(pick); }
  }
  document.addEventListener("DOMContentLoaded", init);
})();
