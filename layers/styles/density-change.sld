<?xml version="1.0" encoding="UTF-8"?>
<!-- Change between two periods' density surfaces (later minus baseline): one fixed diverging scale in change in incidents per km2 per month for every layer, period and zoom, blue for fewer, red for more, clear where nothing changed. -->
<StyledLayerDescriptor version="1.0.0"
    xmlns="http://www.opengis.net/sld"
    xmlns:ogc="http://www.opengis.net/ogc"
    xmlns:xlink="http://www.w3.org/1999/xlink"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.0.0/StyledLayerDescriptor.xsd">
  <NamedLayer>
    <Name>density-change</Name>
    <UserStyle>
      <Name>density-change</Name>
      <Title>Change in incidents per km² per month</Title>
      <FeatureTypeStyle>
        <Rule>
          <Name>density-change</Name>
          <Title>Change in incidents per km² per month</Title>
          <RasterSymbolizer>
            <Opacity>0.85</Opacity>
            <ColorMap>
              <ColorMapEntry color="#2166AC" opacity="1" quantity="-50" label="−50 or less (fewer)"/>
              <ColorMapEntry color="#4393C3" opacity="0.9" quantity="-20" label="−20"/>
              <ColorMapEntry color="#92C5DE" opacity="0.75" quantity="-5" label="−5"/>
              <ColorMapEntry color="#D1E5F0" opacity="0.5" quantity="-1" label="−1"/>
              <ColorMapEntry color="#F7F7F7" opacity="0" quantity="0" label="0 (no change)"/>
              <ColorMapEntry color="#FDDBC7" opacity="0.5" quantity="1" label="+1"/>
              <ColorMapEntry color="#F4A582" opacity="0.75" quantity="5" label="+5"/>
              <ColorMapEntry color="#D6604D" opacity="0.9" quantity="20" label="+20"/>
              <ColorMapEntry color="#B2182B" opacity="1" quantity="50" label="+50 or more (more)"/>
            </ColorMap>
          </RasterSymbolizer>
        </Rule>
      </FeatureTypeStyle>
    </UserStyle>
  </NamedLayer>
</StyledLayerDescriptor>
