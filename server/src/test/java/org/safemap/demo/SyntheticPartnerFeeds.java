package org.safemap.demo;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.safemap.geo.Crs;

/**
 * Writes the SYNTHETIC partner-feed demo data for Liverpool, January to July 2022: ambulance assault call-outs, A&E
 * assault attendances (ISTV minimum dataset), fire incidents (an IRS extract in London Fire Brigade's published
 * layout) and a gazetteer of named venues. No row describes a real incident, patient or premises; the files are
 * derived, with a fixed random seed, from the real police.uk street-level files and OS Code-Point Open postcodes in
 * {@code demo/}:
 * <ul>
 * <li>Venues are invented names placed at police.uk snap points whose location text suggests that kind of place
 *     ("On or near Nightclub", "Supermarket", "Petrol Station", ...), stations at British Transport Police station
 *     points, and pubs, bars and squares at the street points with most violence.</li>
 * <li>Ambulance calls and A&E attendances start at "Violence and sexual offences" points of the same month, moved
 *     0-80 m. About 35% of A&E rows are the same event as an ambulance call (assault within 10 minutes of the call),
 *     described by the street or venue at the ambulance point; the rest are typed as a receptionist would: street,
 *     venue, postcode, "at home", now and then misspelt. About 1% are deliberately bad (impossible date, arrival
 *     before the assault).</li>
 * <li>Deliberate fires start at "Criminal damage and arson" and "Anti-social behaviour" points, dwelling and
 *     chimney fires at random Liverpool postcodes, shop fires at shoplifting points.</li>
 * <li>Each month gets events in proportion to its police.uk counts; times follow fixed hour-of-day and day-of-week
 *     profiles: violence peaks on Friday and Saturday nights, fires in the evening.</li>
 * </ul>
 * Points are converted with {@link Crs}; nearest postcodes come from Code-Point Open. Every run writes
 * byte-identical files.
 *
 * <p>Usage, from the repository root with the server test classpath:
 * {@code java org.safemap.demo.SyntheticPartnerFeeds [OUT_DIR]} (default {@value #DEFAULT_OUT}).
 */
public final class SyntheticPartnerFeeds {
    private static final long SEED = 20220101L;
    private static final String DEFAULT_OUT = "server/src/main/resources/demo";
    private static final String INPUTS = "demo/";
    private static final int MONTHS = 7;
    /** Hours before this count to the previous day's night out. */
    private static final int NIGHT_ENDS_HOUR = 6;

    private static final int AMBULANCE_ROWS = 2_100;
    private static final int AE_ROWS = 1_700;
    private static final int AE_LINKED_ROWS = 595;
    private static final int FIRE_ROWS = 1_750;
    private static final int AE_IMPOSSIBLE_DATES = 9;
    private static final int AE_ARRIVAL_FIRST = 8;

    private static final long AMBULANCE_FIRST_REF = 1_000;
    private static final int AMBULANCE_REF_GAP = 300;
    /** A linked A&E row's assault time, in minutes from the ambulance call; then arrival after the call. */
    private static final int ASSAULT_FROM_CALL_MIN = -10;

    private static final int ASSAULT_TO_CALL_MAX = 4;
    private static final int CONVEYED_ARRIVAL_MIN = 25;
    private static final int CONVEYED_ARRIVAL_MAX = 120;
    /** Walk-in waits from assault to arrival: at least 20 minutes plus an exponential wait, at most 6 hours. */
    private static final int WALK_IN_MIN_WAIT_MIN = 20;

    private static final double WALK_IN_MEAN_EXTRA_WAIT_MIN = 70;
    private static final int WALK_IN_MAX_WAIT_MIN = 360;

    private static final int MAX_HOUSE_NUMBER = 120;
    private static final double JITTER_M = 80;
    /** A venue this close to an event's police.uk point may name the event's place. */
    private static final double VENUE_RADIUS_M = 60;

    private static final double STREET_RADIUS_M = 250;
    private static final double STATION_MAX_POSTCODE_M = 300;
    private static final double POSTCODE_SEARCH_M = 5_000;
    private static final double ROUNDED_GRID_M = 50;
    private static final int VENUE_PRECISION_M = 25;

    private static final double AMBULANCE_GRID_SHARE = 0.50;
    private static final double AMBULANCE_LATLON_SHARE = 0.25;
    private static final double STAB_SHARE = 0.15;
    private static final double AE_HOME_SHARE = 0.08 * AE_ROWS / (AE_ROWS - AE_LINKED_ROWS);
    private static final double AE_POSTCODE_SHARE = 0.10 * AE_ROWS / (AE_ROWS - AE_LINKED_ROWS);
    private static final double AE_VENUE_SHARE = 0.8;
    private static final double AE_MISSPELT_SHARE = 0.06;
    private static final double AE_WORK_SHARE = 0.04;
    private static final double AE_OTHER_SHARE = 0.03;
    private static final double AE_METHOD_OTHER_TEXT_SHARE = 0.8;
    private static final double FIRE_DISTRICT_ONLY_SHARE = 0.05;

    private static final String VIOLENCE = "Violence and sexual offences";
    private static final String ARSON = "Criminal damage and arson";
    private static final String ASB = "Anti-social behaviour";
    private static final String SHOPLIFTING = "Shoplifting";
    private static final String LIVERPOOL_DISTRICT = "E08000012";
    /** police.uk's point-of-interest location texts ("On or near Nightclub"): not street names. */
    private static final Set<String> POI_KINDS = Set.of(
            "Airport/Airfield",
            "Bus/Coach Station",
            "Conference/Exhibition Centre",
            "Further/Higher Educational Building",
            "Hospital",
            "Nightclub",
            "Park/Open Space",
            "Parking Area",
            "Pedestrian Subway",
            "Petrol Station",
            "Police Station",
            "Prison",
            "Shopping Area",
            "Sports/Recreation Area",
            "Supermarket",
            "Theatre/Concert Hall",
            "Theme/Adventure Park");

    /** Violence peaks on Friday and Saturday nights (day weights Monday first, hour weights from midnight). */
    private static final Profile VIOLENCE_TIMES =
            new Profile(new double[] {0.8, 0.75, 0.85, 1.0, 1.6, 1.8, 1.1}, new double[] {
                6, 6, 5, 4, 2.5, 1.5, 1, 1, 1.2, 1.5, 1.8, 2, 2.3, 2.5, 2.7, 3, 3.3, 3.6, 3.8, 4, 4.5, 5, 6, 6.5
            });
    /** Fires peak in the evening. */
    private static final Profile FIRE_TIMES = new Profile(new double[] {1, 1, 1, 1, 1.1, 1.1, 1}, new double[] {
        3, 2.5, 2, 1.5, 1, 1, 1, 1.2, 1.5, 1.8, 2, 2.3, 2.6, 2.9, 3.2, 3.6, 4.2, 5, 5.6, 6, 6, 5.5, 4.8, 3.8
    });

    private static final List<String> AMBULANCE_COLUMNS = List.of(
            "incident_ref",
            "call_datetime",
            "chief_complaint",
            "determinant",
            "easting",
            "northing",
            "latitude",
            "longitude",
            "postcode",
            "conveyed");
    private static final List<String> AE_COLUMNS = List.of(
            "site_code",
            "arrival_date",
            "arrival_time",
            "assault_date",
            "assault_time",
            "assault_location",
            "location_type",
            "assault_method",
            "assault_method_other");
    private static final List<String> FIRE_COLUMNS = List.of(
            "IncidentNumber",
            "DateOfCall",
            "CalYear",
            "TimeOfCall",
            "HourOfCall",
            "IncidentGroup",
            "StopCodeDescription",
            "SpecialServiceType",
            "PropertyCategory",
            "PropertyType",
            "AddressQualifier",
            "Postcode_full",
            "Postcode_district",
            "Easting_m",
            "Northing_m",
            "Easting_rounded",
            "Northing_rounded",
            "IncidentStationGround",
            "NumPumpsAttending",
            "Motive");
    private static final List<String> VENUE_COLUMNS = List.of("name", "kind", "locality", "x", "y", "precision_m");

    private static final DateTimeFormatter AMBULANCE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.UK);
    private static final DateTimeFormatter UK_DATE = DateTimeFormatter.ofPattern("dd/MM/yyyy", Locale.UK);
    private static final DateTimeFormatter LFB_DATE = DateTimeFormatter.ofPattern("dd MMM yyyy", Locale.UK);
    private static final DateTimeFormatter LFB_NUMBER_DATE = DateTimeFormatter.ofPattern("ddMMyyyy", Locale.UK);
    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("HH:mm", Locale.UK);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.UK);

    private static final List<Weighted<String>> ASSAULT_DETERMINANTS = List.of(
            w("04A01", 30),
            w("04A02", 4),
            w("04B01", 28),
            w("04B02", 6),
            w("04B03", 12),
            w("04D01", 6),
            w("04D02", 6),
            w("04D03", 4),
            w("04D04", 4));
    private static final List<Weighted<String>> STAB_DETERMINANTS = List.of(
            w("27A01", 6),
            w("27B01", 8),
            w("27B02", 26),
            w("27B03", 12),
            w("27B04", 8),
            w("27D01", 4),
            w("27D03", 22),
            w("27D04", 14));
    /** Share conveyed to hospital by determinant level (A, B, D). */
    private static final Map<Character, Double> CONVEYED = Map.of('A', 0.4, 'B', 0.65, 'D', 0.85);

    private static final String AE_SITE = "REM";
    private static final List<Weighted<String>> METHODS = List.of(
            w("Body part", 56),
            w("Blunt object", 8),
            w("Knife or other sharp object", 7),
            w("Glass or bottle", 7),
            w("Firearm", 0.3),
            w("Other", 6),
            w("Not known", 15.7));
    private static final List<Weighted<String>> STAB_METHODS =
            List.of(w("Knife or other sharp object", 85), w("Glass or bottle", 10), w("Firearm", 3), w("Other", 2));
    private static final List<String> OTHER_METHODS = List.of(
            "Bitten", "Dog", "Hot drink thrown", "Hit by car", "Pushed down stairs", "Chair", "Brick", "Pushed over");
    private static final List<String> HOME_TEXTS = List.of("Home", "at home", "friend's house", "home address", "Home");
    private static final Map<Integer, List<String>> IMPOSSIBLE_DATES =
            Map.of(2, List.of("29/02/2022", "30/02/2022"), 4, List.of("31/04/2022"), 6, List.of("31/06/2022"));
    private static final Map<String, String> STREET_ABBREVIATIONS = Map.of(
            "Street",
            "St",
            "Road",
            "Rd",
            "Lane",
            "Ln",
            "Avenue",
            "Ave",
            "Drive",
            "Dr",
            "Place",
            "Pl",
            "Square",
            "Sq",
            "Close",
            "Cl",
            "Crescent",
            "Cres");

    private static final List<Weighted<Property>> SECONDARY_FIRE = List.of(
            w(new Property("Outdoor", "Loose refuse (incl in garden)"), 30),
            w(new Property("Outdoor Structure", "Wheelie Bin"), 24),
            w(new Property("Outdoor", "Grassland, woodland and crops"), 14),
            w(new Property("Outdoor Structure", "Small refuse/rubbish/recycle container (excluding wheelie bin)"), 9),
            w(new Property("Outdoor Structure", "Large refuse/rubbish container (eg skip/ paladin)"), 7),
            w(new Property("Outdoor", "Tree scrub"), 5),
            w(new Property("Outdoor Structure", "Common external bin storage area"), 5),
            w(new Property("Outdoor Structure", "Fence"), 4),
            w(new Property("Outdoor", "Scrub land"), 2));
    private static final List<Weighted<Property>> DWELLING = List.of(
            w(new Property("Dwelling", "House - single occupancy"), 55),
            w(new Property("Dwelling", "Purpose Built Flats/Maisonettes - Up to 3 storeys"), 20),
            w(new Property("Dwelling", "Purpose Built Flats/Maisonettes - 4 to 9 storeys"), 8),
            w(new Property("Dwelling", "Converted Flat/Maisonettes - 3 or more storeys"), 7),
            w(new Property("Dwelling", "Self contained Sheltered Housing"), 5),
            w(new Property("Dwelling", "Bungalow - single occupancy"), 5));
    private static final List<Weighted<Property>> HOUSE =
            List.of(w(new Property("Dwelling", "House - single occupancy"), 1));
    private static final List<Weighted<Property>> VEHICLE = List.of(
            w(new Property("Road Vehicle", "Car"), 80),
            w(new Property("Road Vehicle", "Motorcycle"), 10),
            w(new Property("Road Vehicle", "Van"), 8),
            w(new Property("Road Vehicle", "Lorry/HGV"), 2));
    private static final List<Weighted<Property>> NON_RESIDENTIAL = List.of(
            w(new Property("Non Residential", "Retail - Other"), 35),
            w(new Property("Non Residential", "Restaurant/cafe"), 20),
            w(new Property("Non Residential", "Warehouse"), 15),
            w(new Property("Non Residential", "Pub/wine bar/bar"), 10),
            w(new Property("Non Residential", "Purpose built office"), 10),
            w(new Property("Non Residential", "Secondary school"), 10));
    private static final List<Weighted<Property>> ALARMED = List.of(
            w(new Property("Non Residential", "Purpose built office"), 30),
            w(new Property("Other Residential", "Student Hall of Residence"), 25),
            w(new Property("Non Residential", "Hospital"), 20),
            w(new Property("Non Residential", "Retail - Other"), 15),
            w(new Property("Non Residential", "Secondary school"), 10));
    private static final List<Weighted<Integer>> ONE_PUMP = List.of(w(1, 90), w(2, 10));
    private static final List<Weighted<Integer>> DWELLING_PUMPS = List.of(w(1, 30), w(2, 60), w(3, 8), w(4, 2));
    private static final List<Weighted<Integer>> BUILDING_PUMPS = List.of(w(2, 50), w(3, 30), w(4, 15), w(6, 5));
    private static final List<Weighted<Integer>> ALARM_PUMPS = List.of(w(1, 40), w(2, 60));
    private static final List<Weighted<FireKind>> FIRE_KINDS = List.of(
            w(new FireKind("Fire", "Secondary Fire", "Deliberate", Seeds.ARSON_ASB, SECONDARY_FIRE, ONE_PUMP), 48.5),
            w(new FireKind("Fire", "Secondary Fire", "Accidental", Seeds.ANYWHERE, SECONDARY_FIRE, ONE_PUMP), 8),
            w(new FireKind("Fire", "Secondary Fire", "Not known", Seeds.ARSON_ASB, SECONDARY_FIRE, ONE_PUMP), 6),
            w(new FireKind("Fire", "Primary Fire", "Accidental", Seeds.HOMES, DWELLING, DWELLING_PUMPS), 17),
            w(new FireKind("Fire", "Primary Fire", "Deliberate", Seeds.ARSON_ASB, DWELLING, DWELLING_PUMPS), 2.5),
            w(new FireKind("Fire", "Primary Fire", "Not known", Seeds.HOMES, DWELLING, DWELLING_PUMPS), 1),
            w(new FireKind("Fire", "Primary Fire", "Deliberate", Seeds.ARSON_ASB, VEHICLE, ONE_PUMP), 6),
            w(new FireKind("Fire", "Primary Fire", "Accidental", Seeds.ANYWHERE, VEHICLE, ONE_PUMP), 3),
            w(new FireKind("Fire", "Primary Fire", "Accidental", Seeds.SHOPS, NON_RESIDENTIAL, BUILDING_PUMPS), 2.5),
            w(new FireKind("Fire", "Primary Fire", "Deliberate", Seeds.SHOPS, NON_RESIDENTIAL, BUILDING_PUMPS), 1),
            w(new FireKind("Fire", "Chimney Fire", "Accidental", Seeds.HOMES, HOUSE, ONE_PUMP), 1.5),
            w(new FireKind("False Alarm", "AFA", "", Seeds.ANYWHERE, ALARMED, ALARM_PUMPS), 3));
    private static final Map<String, List<Weighted<String>>> ADDRESS_QUALIFIERS = Map.of(
            "Dwelling", List.of(w("Correct incident location", 80), w("Within same building", 20)),
            "Outdoor",
                    List.of(
                            w("Open land/water - nearest gazetteer location", 45),
                            w("In street close to gazetteer location", 30),
                            w("On land associated with building", 25)),
            "Outdoor Structure",
                    List.of(
                            w("On land associated with building", 45),
                            w("In street close to gazetteer location", 35),
                            w("In street outside gazetteer location", 20)),
            "Road Vehicle",
                    List.of(
                            w("In street outside gazetteer location", 60),
                            w("In street close to gazetteer location", 40)),
            "Non Residential", List.of(w("Correct incident location", 85), w("Within same building", 15)),
            "Other Residential", List.of(w("Correct incident location", 85), w("Within same building", 15)));
    /** Fire station grounds by postcode district. */
    private static final Map<String, String> STATION_GROUNDS = stationGrounds();

    private static final String DEFAULT_STATION_GROUND = "Kensington";

    private static final List<String> NIGHTCLUBS = List.of(
            "Club Arena",
            "Pulse",
            "The Vault",
            "Kaleido",
            "Club Aurora",
            "Warehouse 9",
            "Echo Rooms",
            "Club Zenith",
            "The Basement",
            "Mirage",
            "Club Eclipse",
            "Fusion",
            "Voltage",
            "Club Luna",
            "Heaven and Hell");
    private static final List<String> SUPERMARKETS = List.of(
            "FreshMart Superstore",
            "Kwik Basket",
            "Mersey Foods",
            "Value Fare",
            "Daily Basket",
            "Northway Supermarket",
            "Corner Basket",
            "Price Pantry",
            "Family Foods",
            "Dockside Food Hall",
            "Greenway Grocers",
            "Harbour Foods",
            "Budget Basket",
            "Town Foods",
            "Crown Supermarket",
            "Parkside Foods",
            "Best Fare Foods",
            "Eastway Grocers",
            "Village Stores",
            "Fairprice Foods");
    private static final List<String> SHOPPING_CENTRES = List.of(
            "St Johns Arcade",
            "Mersey Retail Park",
            "Cathedral Walk",
            "Quayside Shopping Centre",
            "Marketgate",
            "Brook Retail Park",
            "Old Haymarket Arcade",
            "Central Parade",
            "The Galleria",
            "Liver Point Shopping Centre");
    private static final List<String> PETROL_STATIONS = List.of(
            "Northway Service Station",
            "Queens Drive Filling Station",
            "Mersey Fuels",
            "Speedway Garage",
            "Eastway Petrol Station",
            "Riverside Service Station",
            "Crossroads Garage",
            "Parkway Fuels");
    private static final List<String> SPORTS = List.of(
            "Northgate Leisure Centre",
            "Riverside Sports Centre",
            "Greenbank Playing Fields",
            "Parkside Gym",
            "Walton Sports Club",
            "Eastfield Five-a-side",
            "Mersey Boxing Club",
            "Heathfield Recreation Ground",
            "Lakeside Bowling Club",
            "Southside Sports Hall");
    private static final List<String> THEATRES = List.of(
            "Empire Playhouse",
            "Mersey Concert Hall",
            "Liver Theatre",
            "Harbour Arts Centre",
            "Paradise Comedy Club",
            "The Music Box");
    private static final List<String> SQUARES =
            List.of("Concert Square", "Ropewalks Square", "Cavern Quarter", "Market Square", "Merchants Square");
    private static final List<String> BARS = List.of(
            "Velvet Bar",
            "Blue Room",
            "The Copper Still",
            "Neon Lounge",
            "Soho Bar",
            "Bar Rio",
            "Sugar Bar",
            "Cask and Cocktail",
            "Level Bar",
            "The Gin House",
            "Ice Bar",
            "Vinyl Bar",
            "Circus Bar",
            "Lemon Tree Bar",
            "Bar Havana",
            "The Tap Room",
            "Slate Bar",
            "Bar Nova",
            "Ruby Lounge",
            "Electric Bar",
            "The Attic Bar",
            "Twenty Two Bar",
            "Pier Bar",
            "Quayside Bar",
            "The Loft");
    private static final List<String> PUBS = List.of(
            "The Grapes",
            "The Swan Inn",
            "The Crown",
            "The Red Lion",
            "The White Hart",
            "The Ship",
            "The Anchor",
            "The Dockers Arms",
            "The Mersey Tavern",
            "The Liver Vaults",
            "The Pilot Boat",
            "The Blackbird",
            "The Royal Oak",
            "The Globe",
            "The Coach and Horses",
            "The Fountain",
            "The Navigator",
            "The Brass Monkey",
            "The Lamb",
            "The Star and Garter",
            "The Halfway House",
            "The Bull",
            "The Rose and Crown",
            "The Angel",
            "The Ferry",
            "The Harbour Lights",
            "The Old Bridewell",
            "The Wheatsheaf",
            "The Plough",
            "The Railway",
            "The Clarence",
            "The Cross Keys",
            "The Bow and Arrow",
            "The Poets Corner",
            "The Sandon Arms");
    private static final Set<String> LICENSED = Set.of("pub", "bar", "nightclub");

    private final Random random = new Random(SEED);
    private final Crs.Transform toBng = Crs.WGS84.to(Crs.BNG);
    private final Crs.Transform toWgs84 = Crs.BNG.to(Crs.WGS84);
    private final double[] xy = new double[2];
    private final Map<String, double[]> converted = new HashMap<>();
    private final List<Crime> crimes = new ArrayList<>();
    private final List<Crime> stationCrimes = new ArrayList<>();
    private final Grid<Postcode> postcodes = new Grid<>();
    private final List<Postcode> liverpoolPostcodes = new ArrayList<>();
    private final Grid<String> streets = new Grid<>();
    private final Grid<Venue> venueIndex = new Grid<>();
    private final List<Venue> venues = new ArrayList<>();
    private final Map<String, Integer> tally = new TreeMap<>();

    private SyntheticPartnerFeeds() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : DEFAULT_OUT);
        if (!Files.isDirectory(out)) {
            throw new IOException(out + " is not a directory; run from the repository root or name the output folder");
        }
        new SyntheticPartnerFeeds().run(out);
    }

    private void run(Path out) throws IOException {
        readPostcodes();
        for (int month = 1; month <= MONTHS; month++) {
            readCrimes(String.format(Locale.ROOT, "2022-%02d-liverpool-street.csv.gz", month), month, crimes);
            readCrimes(
                    String.format(Locale.ROOT, "2022-%02d-liverpool-btp-street.csv.gz", month), month, stationCrimes);
        }
        for (Crime c : crimes) {
            if (c.isStreet()) {
                streets.add(c.x(), c.y(), c.place());
            }
        }
        placeVenues();
        writeVenues(out.resolve("liverpool_venues.csv.gz"));
        List<Ambulance> calls = ambulanceCalls();
        writeAmbulance(out.resolve("2022-liverpool-ambulance-assaults.csv.gz"), calls);
        writeAe(out.resolve("2022-liverpool-istv-ae.csv.gz"), attendances(calls));
        writeFire(out.resolve("2022-liverpool-fire-irs.csv.gz"), fires());
        tally.forEach((k, v) -> System.out.printf(Locale.ROOT, "%-40s %6d%n", k, v));
    }

    // ---- inputs

    private void readPostcodes() throws IOException {
        for (CSVRecord r : records("codepoint_open_l.csv.gz", CSVFormat.DEFAULT)) {
            double e = Double.parseDouble(r.get(2));
            double n = Double.parseDouble(r.get(3));
            if (e > 0 && n > 0) {
                Postcode p = new Postcode(r.get(0), e, n, r.get(8).equals(LIVERPOOL_DISTRICT));
                postcodes.add(e, n, p);
                if (p.liverpool()) {
                    liverpoolPostcodes.add(p);
                }
            }
        }
    }

    private void readCrimes(String file, int month, List<Crime> into) throws IOException {
        for (CSVRecord r : records(
                file,
                CSVFormat.DEFAULT
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .get())) {
            String lonLat = r.get("Longitude") + "," + r.get("Latitude");
            double[] bng = converted.computeIfAbsent(lonLat, k -> {
                toBng.apply(Double.parseDouble(r.get("Longitude")), Double.parseDouble(r.get("Latitude")), xy);
                return xy.clone();
            });
            String place = r.get("Location")
                    .replaceFirst("^On or near ", "")
                    .replaceAll("'S\\b", "'s")
                    .strip();
            into.add(new Crime(month, r.get("Crime type"), place, bng[0], bng[1]));
        }
    }

    private static List<CSVRecord> records(String file, CSVFormat format) throws IOException {
        InputStream in = SyntheticPartnerFeeds.class.getClassLoader().getResourceAsStream(INPUTS + file);
        if (in == null) {
            throw new IOException(INPUTS + file + " is not on the classpath");
        }
        try (Reader reader = new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8)) {
            return format.parse(reader).getRecords();
        }
    }

    // ---- venues

    private void placeVenues() {
        Map<String, Spot> spots = new LinkedHashMap<>();
        for (Crime c : crimes) {
            Spot s = spots.computeIfAbsent(Spot.key(c.place(), c.x(), c.y()), k -> new Spot(c.place(), c.x(), c.y()));
            if (c.type().equals(VIOLENCE)) {
                s.count++;
            }
        }
        List<Spot> ranked = new ArrayList<>(spots.values());
        ranked.sort(Comparator.comparingInt((Spot s) -> -s.count));
        Set<String> used = new HashSet<>();
        addVenues(NIGHTCLUBS, "nightclub", ranked, s -> s.place().equals("Nightclub"), used);
        addVenues(SUPERMARKETS, "shop", ranked, s -> s.place().equals("Supermarket"), used);
        addVenues(SHOPPING_CENTRES, "shop", ranked, s -> s.place().equals("Shopping Area"), used);
        addVenues(PETROL_STATIONS, "petrol station", ranked, s -> s.place().equals("Petrol Station"), used);
        addVenues(SPORTS, "sports", ranked, s -> s.place().equals("Sports/Recreation Area"), used);
        addVenues(THEATRES, "theatre", ranked, s -> s.place().equals("Theatre/Concert Hall"), used);
        addStations(used);
        Predicate<Spot> street = s -> isStreet(s.place());
        addVenues(SQUARES, "square", ranked, street, used);
        addVenues(BARS, "bar", ranked, street, used);
        List<Spot> pubSpots = new ArrayList<>();
        for (Spot s : ranked) {
            if (street.test(s) && !used.contains(s.key()) && s.count > 0) {
                pubSpots.add(s);
            }
        }
        for (String name : PUBS) {
            Spot s = pick(pubSpots.stream().map(p -> w(p, p.count)).toList());
            pubSpots.remove(s);
            addVenue(name, "pub", s.x(), s.y());
        }
    }

    private void addVenues(List<String> names, String kind, List<Spot> ranked, Predicate<Spot> fits, Set<String> used) {
        int next = 0;
        for (Spot s : ranked) {
            if (next == names.size()) {
                return;
            }
            if (fits.test(s) && used.add(s.key())) {
                addVenue(names.get(next++), kind, s.x(), s.y());
            }
        }
        throw new IllegalStateException("too few police.uk points for " + kind + " venues");
    }

    /** Stations at British Transport Police station points inside Liverpool, busiest first. */
    private void addStations(Set<String> used) {
        Map<String, Spot> stations = new LinkedHashMap<>();
        for (Crime c : stationCrimes) {
            Postcode near = postcodes.nearest(c.x(), c.y(), STATION_MAX_POSTCODE_M);
            if (c.place().endsWith("(Station)") && near != null && near.liverpool()) {
                stations.computeIfAbsent(c.place(), k -> new Spot(k, c.x(), c.y())).count++;
            }
        }
        List<Spot> ranked = new ArrayList<>(stations.values());
        ranked.sort(Comparator.comparingInt((Spot s) -> -s.count));
        for (Spot s : ranked) {
            if (used.add(s.key())) {
                String name = s.place()
                        .replace(" (Station)", "")
                        .replace(" (Liverpool)", "")
                        .replace(" (Merseyside)", "")
                        .replaceFirst("^Liverpool ", "");
                addVenue(name + " Station", "station", s.x(), s.y());
            }
        }
    }

    private void addVenue(String name, String kind, double x, double y) {
        Venue v = new Venue(name, kind, Math.round(x), Math.round(y));
        venues.add(v);
        venueIndex.add(v.x(), v.y(), v);
        count("venues: " + kind);
    }

    private void writeVenues(Path file) throws IOException {
        try (CSVPrinter csv = printer(file, VENUE_COLUMNS)) {
            for (Venue v : venues) {
                csv.printRecord(v.name(), "venue", "Liverpool", v.x(), v.y(), VENUE_PRECISION_M);
            }
        }
    }

    // ---- ambulance

    private List<Ambulance> ambulanceCalls() {
        List<Crime> seeds =
                crimes.stream().filter(c -> c.type().equals(VIOLENCE)).toList();
        List<Ambulance> calls = new ArrayList<>();
        for (Event e : events(seeds, AMBULANCE_ROWS, VIOLENCE_TIMES)) {
            boolean stab = random.nextDouble() < STAB_SHARE;
            String determinant = pick(stab ? STAB_DETERMINANTS : ASSAULT_DETERMINANTS);
            boolean conveyed = random.nextDouble() < CONVEYED.get(determinant.charAt(2));
            calls.add(new Ambulance(e, stab ? 27 : 4, determinant, conveyed));
        }
        calls.sort(Comparator.comparing(a -> a.event().at()));
        return calls;
    }

    private void writeAmbulance(Path file, List<Ambulance> calls) throws IOException {
        long ref = AMBULANCE_FIRST_REF;
        try (CSVPrinter csv = printer(file, AMBULANCE_COLUMNS)) {
            for (Ambulance a : calls) {
                ref += between(1, AMBULANCE_REF_GAP);
                Event e = a.event();
                String easting = "";
                String northing = "";
                String latitude = "";
                String longitude = "";
                String postcode = "";
                double p = random.nextDouble();
                if (p < AMBULANCE_GRID_SHARE) {
                    easting = Long.toString(Math.round(e.x()));
                    northing = Long.toString(Math.round(e.y()));
                    count("ambulance location: easting/northing");
                } else if (p < AMBULANCE_GRID_SHARE + AMBULANCE_LATLON_SHARE) {
                    toWgs84.apply(e.x(), e.y(), xy);
                    longitude = String.format(Locale.ROOT, "%.6f", xy[0]);
                    latitude = String.format(Locale.ROOT, "%.6f", xy[1]);
                    count("ambulance location: latitude/longitude");
                } else {
                    postcode =
                            postcodes.nearest(e.x(), e.y(), POSTCODE_SEARCH_M).code();
                    count("ambulance location: postcode");
                }
                csv.printRecord(
                        String.format(Locale.ROOT, "NWAS-22-%07d", ref),
                        AMBULANCE_TIME.format(e.at()),
                        a.complaint(),
                        a.determinant(),
                        easting,
                        northing,
                        latitude,
                        longitude,
                        postcode,
                        a.conveyed() ? "Y" : "N");
                count("ambulance rows");
            }
        }
    }

    // ---- A&E

    private List<Attendance> attendances(List<Ambulance> calls) {
        List<Attendance> rows = new ArrayList<>();
        List<Ambulance> shuffled = new ArrayList<>(calls);
        Collections.shuffle(shuffled, random);
        for (Ambulance a : shuffled) {
            if (rows.size() == AE_LINKED_ROWS) {
                break;
            }
            if (a.conveyed()) {
                LocalDateTime call = a.event().at();
                LocalDateTime assault = plusMinutes(call, between(ASSAULT_FROM_CALL_MIN, ASSAULT_TO_CALL_MAX));
                LocalDateTime arrival = plusMinutes(call, between(CONVEYED_ARRIVAL_MIN, CONVEYED_ARRIVAL_MAX));
                String method = a.complaint() == 27 ? pick(STAB_METHODS) : pick(METHODS);
                rows.add(attendance(assault, arrival, describe(a.event(), false), method));
                count("A&E rows linked to an ambulance call");
            }
        }
        List<Crime> seeds =
                crimes.stream().filter(c -> c.type().equals(VIOLENCE)).toList();
        for (Event e : events(seeds, AE_ROWS - rows.size(), VIOLENCE_TIMES)) {
            long wait = Math.round(-WALK_IN_MEAN_EXTRA_WAIT_MIN * Math.log(1 - random.nextDouble()));
            LocalDateTime arrival = plusMinutes(e.at(), Math.min(WALK_IN_MIN_WAIT_MIN + wait, WALK_IN_MAX_WAIT_MIN));
            rows.add(attendance(e.at(), arrival, describe(e, true), pick(METHODS)));
        }
        rows.sort(Comparator.comparing(Attendance::arrival));
        return rows;
    }

    private Attendance attendance(LocalDateTime assault, LocalDateTime arrival, Place place, String method) {
        String other =
                method.equals("Other") && random.nextDouble() < AE_METHOD_OTHER_TEXT_SHARE ? oneOf(OTHER_METHODS) : "";
        return new Attendance(assault, arrival, place, method, other);
    }

    /** The assault location as a receptionist types it; vague allows "at home" and bare postcodes. */
    private Place describe(Event e, boolean vague) {
        double p = random.nextDouble();
        if (vague && p < AE_HOME_SHARE) {
            count("A&E location: home");
            return new Place(oneOf(HOME_TEXTS), "Home");
        }
        Postcode postcode = postcodes.nearest(e.x(), e.y(), POSTCODE_SEARCH_M);
        Venue venue = venueIndex.nearest(e.seed().x(), e.seed().y(), VENUE_RADIUS_M);
        String street = e.seed().isStreet() ? e.seed().place() : streets.nearest(e.x(), e.y(), STREET_RADIUS_M);
        String text;
        boolean licensed = false;
        if ((vague && p < AE_HOME_SHARE + AE_POSTCODE_SHARE) || (venue == null && street == null)) {
            text = postcodeText(postcode.code());
            count("A&E location: postcode");
        } else if (venue != null && (street == null || random.nextDouble() < AE_VENUE_SHARE)) {
            text = venueText(typed(venue.name()));
            licensed = LICENSED.contains(venue.kind()) && !text.startsWith("outside");
            count("A&E location: venue");
        } else {
            text = streetText(typed(street));
            count("A&E location: street");
        }
        double q = random.nextDouble();
        String type = q < AE_WORK_SHARE
                ? "Work"
                : q < AE_WORK_SHARE + AE_OTHER_SHARE ? "Other" : licensed ? "Licensed premises" : "Public place";
        return new Place(text, type);
    }

    private String postcodeText(String postcode) {
        return switch (random.nextInt(4)) {
            case 0 -> "near " + postcode;
            case 1 -> postcode.replace(" ", "").toLowerCase(Locale.ROOT);
            case 2 -> "postcode " + postcode;
            default -> postcode;
        };
    }

    private String venueText(String name) {
        return switch (random.nextInt(8)) {
            case 0, 1 -> "outside " + name;
            case 2 -> "in " + name;
            case 3 -> name.toLowerCase(Locale.ROOT);
            default -> name;
        };
    }

    private String streetText(String street) {
        int space = street.lastIndexOf(' ');
        String abbreviation = space < 0 ? null : STREET_ABBREVIATIONS.get(street.substring(space + 1));
        return switch (random.nextInt(10)) {
            case 0, 1 -> abbreviation == null ? street : street.substring(0, space + 1) + abbreviation;
            case 2 -> "outside " + between(1, MAX_HOUSE_NUMBER) + " " + street;
            case 3 -> street.toLowerCase(Locale.ROOT);
            case 4 -> (random.nextBoolean() ? "bus stop on " : "in the street, ") + street;
            default -> street;
        };
    }

    /** A name as typed: now and then misspelt. */
    private String typed(String name) {
        String misspelt = random.nextDouble() < AE_MISSPELT_SHARE ? misspell(name) : name;
        if (!misspelt.equals(name)) {
            count("A&E location: misspelt street or venue (of the above)");
        }
        return misspelt;
    }

    /** A typing slip in one word of five letters or more: a doubled letter dropped or two letters swapped. */
    private String misspell(String text) {
        String[] words = text.split(" ");
        List<Integer> candidates = new ArrayList<>();
        for (int i = 0; i < words.length; i++) {
            if (words[i].length() >= 5 && words[i].chars().allMatch(Character::isLetter)) {
                candidates.add(i);
            }
        }
        if (candidates.isEmpty()) {
            return text;
        }
        int i = oneOf(candidates);
        StringBuilder word = new StringBuilder(words[i]);
        int doubled = 1;
        while (doubled < word.length() && word.charAt(doubled) != word.charAt(doubled - 1)) {
            doubled++;
        }
        if (doubled < word.length()) {
            word.deleteCharAt(doubled);
        } else {
            int at = 1 + random.nextInt(word.length() - 3);
            char c = word.charAt(at);
            word.setCharAt(at, word.charAt(at + 1));
            word.setCharAt(at + 1, c);
        }
        words[i] = word.toString();
        return String.join(" ", words);
    }

    private void writeAe(Path file, List<Attendance> rows) throws IOException {
        Flaw[] flaws = new Flaw[rows.size()];
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        int impossible = 0;
        int arrivalFirst = 0;
        for (int i : order) {
            int month = rows.get(i).assault().getMonthValue();
            if (impossible < AE_IMPOSSIBLE_DATES && IMPOSSIBLE_DATES.containsKey(month)) {
                flaws[i] = Flaw.IMPOSSIBLE_DATE;
                impossible++;
            } else if (arrivalFirst < AE_ARRIVAL_FIRST) {
                flaws[i] = Flaw.ARRIVAL_FIRST;
                arrivalFirst++;
            }
        }
        try (CSVPrinter csv = printer(file, AE_COLUMNS)) {
            for (int i = 0; i < rows.size(); i++) {
                Attendance a = rows.get(i);
                LocalDateTime arrival = flaws[i] == Flaw.ARRIVAL_FIRST ? a.assault() : a.arrival();
                LocalDateTime assault = flaws[i] == Flaw.ARRIVAL_FIRST ? a.arrival() : a.assault();
                String assaultDate = flaws[i] == Flaw.IMPOSSIBLE_DATE
                        ? oneOf(IMPOSSIBLE_DATES.get(assault.getMonthValue()))
                        : UK_DATE.format(assault);
                csv.printRecord(
                        AE_SITE,
                        UK_DATE.format(arrival),
                        MINUTES.format(arrival),
                        assaultDate,
                        MINUTES.format(assault),
                        a.place().text(),
                        a.place().type(),
                        a.method(),
                        a.methodOther());
                count("A&E rows");
                if (flaws[i] != null) {
                    count("A&E bad rows: " + flaws[i]);
                }
            }
        }
    }

    // ---- fire

    private List<Fire> fires() {
        List<Crime> arsonAsb = crimes.stream()
                .filter(c -> c.type().equals(ARSON) || c.type().equals(ASB))
                .toList();
        int[] perMonth = perMonth(arsonAsb, FIRE_ROWS);
        List<Fire> fires = new ArrayList<>();
        for (int month = 1; month <= MONTHS; month++) {
            for (int i = 0; i < perMonth[month - 1]; i++) {
                FireKind kind = pick(FIRE_KINDS);
                double[] xy;
                if (kind.seeds() == Seeds.HOMES) {
                    Postcode home = oneOf(liverpoolPostcodes);
                    xy = jitter(home.x(), home.y());
                } else {
                    Crime seed = oneOf(monthSeeds(kind.seeds(), month));
                    xy = jitter(seed.x(), seed.y());
                }
                LocalDateTime at = time(month, FIRE_TIMES).plusSeconds(random.nextInt(60));
                fires.add(new Fire(at, xy[0], xy[1], kind, pick(kind.properties())));
            }
        }
        fires.sort(Comparator.comparing(Fire::at));
        return fires;
    }

    private List<Crime> monthSeeds(Seeds seeds, int month) {
        Predicate<Crime> fits = switch (seeds) {
            case ARSON_ASB -> c -> c.type().equals(ARSON) || c.type().equals(ASB);
            case SHOPS -> c -> c.type().equals(SHOPLIFTING);
            case ANYWHERE -> c -> true;
            case HOMES -> throw new IllegalArgumentException("dwelling fires start at postcodes, not crimes");
        };
        return crimes.stream().filter(c -> c.month() == month && fits.test(c)).toList();
    }

    private void writeFire(Path file, List<Fire> fires) throws IOException {
        int number = 0;
        try (CSVPrinter csv = printer(file, FIRE_COLUMNS)) {
            for (Fire f : fires) {
                number++;
                Postcode postcode = postcodes.nearest(f.x(), f.y(), POSTCODE_SEARCH_M);
                String district = postcode.code().substring(0, postcode.code().indexOf(' '));
                String full = "";
                String exactX = "";
                String exactY = "";
                String roundedX = "";
                String roundedY = "";
                if (random.nextDouble() < FIRE_DISTRICT_ONLY_SHARE) {
                    count("fire location: postcode district only");
                } else {
                    roundedX = Long.toString(Math.round(f.x() / ROUNDED_GRID_M) * (long) ROUNDED_GRID_M);
                    roundedY = Long.toString(Math.round(f.y() / ROUNDED_GRID_M) * (long) ROUNDED_GRID_M);
                    if (f.property().category().equals("Dwelling")) {
                        count("fire location: rounded 50 m + district (dwelling)");
                    } else {
                        exactX = Long.toString(Math.round(f.x()));
                        exactY = Long.toString(Math.round(f.y()));
                        full = postcode.code();
                        count("fire location: exact + postcode");
                    }
                }
                FireKind k = f.kind();
                csv.printRecord(
                        String.format(Locale.ROOT, "%06d-%s", number, LFB_NUMBER_DATE.format(f.at())),
                        LFB_DATE.format(f.at()),
                        f.at().getYear(),
                        SECONDS.format(f.at()),
                        f.at().getHour(),
                        k.group(),
                        k.stopCode(),
                        "",
                        f.property().category(),
                        f.property().type(),
                        pick(ADDRESS_QUALIFIERS.get(f.property().category())),
                        full,
                        district,
                        exactX,
                        exactY,
                        roundedX,
                        roundedY,
                        STATION_GROUNDS.getOrDefault(district, DEFAULT_STATION_GROUND),
                        pick(k.pumps()),
                        k.motive());
                count("fire rows");
                count("fire: " + k.stopCode() + "|" + k.motive() + "|"
                        + f.property().category());
            }
        }
    }

    private static Map<String, String> stationGrounds() {
        Map<String, String> grounds = new HashMap<>();
        String[][] table = {
            {"City Centre", "L1", "L2", "L3", "L69", "L70", "L72"},
            {"Toxteth", "L8", "L17"},
            {"Kensington", "L6", "L7", "L15"},
            {"Kirkdale", "L4", "L5", "L20"},
            {"Old Swan", "L13", "L14"},
            {"Belle Vale", "L16", "L25", "L26", "L27", "L36"},
            {"Speke and Garston", "L18", "L19", "L24"},
            {"Croxteth", "L11", "L12", "L28"},
            {"Aintree", "L9", "L10", "L30", "L31"}
        };
        for (String[] row : table) {
            for (int i = 1; i < row.length; i++) {
                grounds.put(row[i], row[0]);
            }
        }
        return grounds;
    }

    // ---- events and times

    /** n events at seeds of each month, in proportion to the month's seed count, moved 0-80 m. */
    private List<Event> events(List<Crime> seeds, int n, Profile times) {
        int[] perMonth = perMonth(seeds, n);
        List<Event> events = new ArrayList<>();
        for (int month = 1; month <= MONTHS; month++) {
            int m = month;
            List<Crime> monthly = seeds.stream().filter(c -> c.month() == m).toList();
            for (int i = 0; i < perMonth[month - 1]; i++) {
                Crime seed = oneOf(monthly);
                double[] xy = jitter(seed.x(), seed.y());
                events.add(new Event(time(month, times), xy[0], xy[1], seed));
            }
        }
        return events;
    }

    /** A point 0-80 m from (x, y) in a random direction. */
    private double[] jitter(double x, double y) {
        double r = JITTER_M * random.nextDouble();
        double a = 2 * Math.PI * random.nextDouble();
        return new double[] {x + r * Math.cos(a), y + r * Math.sin(a)};
    }

    /** n split over the months by their share of seeds (largest remainder). */
    private static int[] perMonth(List<Crime> seeds, int n) {
        int[] counts = new int[MONTHS];
        seeds.forEach(c -> counts[c.month() - 1]++);
        int[] result = new int[MONTHS];
        double[] remainder = new double[MONTHS];
        int given = 0;
        for (int i = 0; i < MONTHS; i++) {
            double exact = (double) n * counts[i] / seeds.size();
            result[i] = (int) exact;
            remainder[i] = exact - result[i];
            given += result[i];
        }
        for (; given < n; given++) {
            int best = 0;
            for (int i = 1; i < MONTHS; i++) {
                best = remainder[i] > remainder[best] ? i : best;
            }
            result[best]++;
            remainder[best] = -1;
        }
        return result;
    }

    /** A minute of the month drawn by the profile; local times that do not exist (spring forward) are never drawn. */
    private LocalDateTime time(int month, Profile profile) {
        LocalDateTime start = LocalDateTime.of(2022, month, 1, 0, 0);
        List<Weighted<LocalDateTime>> hours = new ArrayList<>();
        for (LocalDateTime h = start; h.isBefore(start.plusMonths(1)); h = h.plusHours(1)) {
            if (!org.safemap.time.Period.LONDON.getRules().getValidOffsets(h).isEmpty()) {
                DayOfWeek evening = h.minusHours(NIGHT_ENDS_HOUR).getDayOfWeek();
                hours.add(w(h, profile.day()[evening.getValue() - 1] * profile.hour()[h.getHour()]));
            }
        }
        return pick(hours).plusMinutes(random.nextInt(60));
    }

    private static LocalDateTime plusMinutes(LocalDateTime local, long minutes) {
        return local.atZone(org.safemap.time.Period.LONDON).plusMinutes(minutes).toLocalDateTime();
    }

    // ---- helpers

    private static boolean isStreet(String place) {
        return !place.isEmpty() && !POI_KINDS.contains(place);
    }

    private <T> T pick(List<Weighted<T>> items) {
        double total = 0;
        for (Weighted<T> item : items) {
            total += item.weight();
        }
        double r = random.nextDouble() * total;
        for (Weighted<T> item : items) {
            r -= item.weight();
            if (r < 0) {
                return item.value();
            }
        }
        return items.get(items.size() - 1).value();
    }

    /** A whole number from min to max inclusive. */
    private int between(int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    private <T> T oneOf(List<T> items) {
        return items.get(random.nextInt(items.size()));
    }

    private static <T> Weighted<T> w(T value, double weight) {
        return new Weighted<>(value, weight);
    }

    private void count(String what) {
        tally.merge(what, 1, Integer::sum);
    }

    private static CSVPrinter printer(Path file, List<String> header) throws IOException {
        Writer w = new BufferedWriter(
                new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file)), StandardCharsets.UTF_8));
        return CSVFormat.RFC4180
                .builder()
                .setRecordSeparator("\n")
                .setHeader(header.toArray(String[]::new))
                .get()
                .print(w);
    }

    private record Crime(int month, String type, String place, double x, double y) {
        boolean isStreet() {
            return SyntheticPartnerFeeds.isStreet(place);
        }
    }

    /** A distinct police.uk snap point and how many crimes of interest were reported there. */
    private static final class Spot {
        private final String place;
        private final double x;
        private final double y;
        private int count;

        Spot(String place, double x, double y) {
            this.place = place;
            this.x = x;
            this.y = y;
        }

        String place() {
            return place;
        }

        double x() {
            return x;
        }

        double y() {
            return y;
        }

        String key() {
            return key(place, x, y);
        }

        static String key(String place, double x, double y) {
            return place + "@" + x + "," + y;
        }
    }

    private record Postcode(String code, double x, double y, boolean liverpool) {}

    private record Venue(String name, String kind, long x, long y) {}

    private record Event(LocalDateTime at, double x, double y, Crime seed) {}

    private record Ambulance(Event event, int complaint, String determinant, boolean conveyed) {}

    private record Place(String text, String type) {}

    private record Attendance(
            LocalDateTime assault, LocalDateTime arrival, Place place, String method, String methodOther) {}

    private enum Flaw {
        IMPOSSIBLE_DATE,
        ARRIVAL_FIRST
    }

    private enum Seeds {
        ARSON_ASB,
        ANYWHERE,
        HOMES,
        SHOPS
    }

    private record Property(String category, String type) {}

    private record FireKind(
            String group,
            String stopCode,
            String motive,
            Seeds seeds,
            List<Weighted<Property>> properties,
            List<Weighted<Integer>> pumps) {}

    private record Fire(LocalDateTime at, double x, double y, FireKind kind, Property property) {}

    /** Weights by the day an evening belongs to (an hour before 06:00 counts to the day before) and by hour. */
    private record Profile(double[] day, double[] hour) {}

    private record Weighted<T>(T value, double weight) {}

    /** Nearest-neighbour lookup over points in square cells. */
    private static final class Grid<T> {
        private static final double CELL_M = 250;
        private final Map<Long, List<Entry<T>>> cells = new HashMap<>();

        private record Entry<T>(double x, double y, T value) {}

        void add(double x, double y, T value) {
            cells.computeIfAbsent(key(cell(x), cell(y)), k -> new ArrayList<>()).add(new Entry<>(x, y, value));
        }

        /** The nearest value closer than maxDistance, or null; of equally near ones, the first found. */
        T nearest(double x, double y, double maxDistance) {
            int cx = cell(x);
            int cy = cell(y);
            Entry<T> best = null;
            double bestD = maxDistance;
            for (int ring = 0; (ring - 1) * CELL_M < bestD; ring++) {
                for (int i = cx - ring; i <= cx + ring; i++) {
                    for (int j = cy - ring; j <= cy + ring; j++) {
                        if (Math.max(Math.abs(i - cx), Math.abs(j - cy)) != ring) {
                            continue;
                        }
                        for (Entry<T> e : cells.getOrDefault(key(i, j), List.of())) {
                            double d = Math.hypot(e.x() - x, e.y() - y);
                            if (d < bestD) {
                                best = e;
                                bestD = d;
                            }
                        }
                    }
                }
            }
            return best == null ? null : best.value();
        }

        private static int cell(double v) {
            return (int) Math.floor(v / CELL_M);
        }

        private static long key(int i, int j) {
            return ((long) i << 32) ^ (j & 0xffffffffL);
        }
    }
}
